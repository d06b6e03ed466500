/**
 * The v3 avatar routes over the AvatarCatalog: `GET /v3/avatars` (groups; `ownership`, `limit` 1-50, `token`),
 * `GET /v3/avatars/looks` (`group_id`, `avatar_type`, `ownership`, `limit` 1-50, `token`), one look or group by id,
 * `POST /v3/avatars` (type `photo` only: the emulator makes no digital twins or prompt avatars), and
 * `POST /v3/avatars/{group_id}/consent` (answers `data.url`, a page on the emulator that records consent when opened).
 *
 * Consent, when required (`requireConsent`): the schema has `consent_status` on the group and a `pending_consent`
 * status; so creating answers 200 with `avatar_group.consent_status: "pending"` and the look `pending_consent`, and a
 * video with that look is refused with 403 `consent_required` (param `avatar_id`) until consent is given.
 */
import type * as http from 'node:http';
import { AVATAR_TYPES, type AvatarCatalog, type Group } from './avatarCatalog';
import { checkAssetInput, enumAt, isObject, stringAt, type FindAsset } from './bodyChecks';
import { ParamError, v3Error } from './errors';
import { misbehave } from './faults';
import { sendJson } from './http';
import { pageOf, parseEnum, parseLimit } from './paging';
import type { RecordedRequest } from './requestLog';
import { authorized, jsonRoute, parseJson, refuseJson, type V3Context } from './v3Context';

const OWNERSHIP = ['public', 'private'] as const;

export class AvatarRoutes {
  constructor(
    private readonly ctx: V3Context,
    private readonly catalog: AvatarCatalog,
    private readonly findAsset: FindAsset,
  ) {}

  /** Answers an avatar route; false for other paths. */
  handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL, entry: RecordedRequest): boolean {
    const path = url.pathname;
    if (req.method === 'POST' && path === '/v3/avatars') {
      jsonRoute(this.ctx, req, res, 'avatar-create', (body) => this.create(res, body), entry);
      return true;
    }
    const consent = /^\/v3\/avatars\/([^/]+)\/consent$/.exec(path);
    if (req.method === 'POST' && consent) {
      jsonRoute(this.ctx, req, res, 'avatar-create', () => this.startConsent(res, decodeURIComponent(consent[1])), entry);
      return true;
    }
    if (req.method !== 'GET' || !/^\/v3\/avatars(\/|$)/.test(path)) {
      return false;
    }
    req.resume();
    const answer = (): void => {
      if (!authorized(this.ctx, req, res)) {
        return;
      }
      try {
        const [status, body] = this.read(path, url.searchParams);
        sendJson(res, status, body);
      } catch (error) {
        if (!(error instanceof ParamError)) {
          throw error;
        }
        sendJson(res, error.status, error.body());
      }
    };
    if (!misbehave(this.ctx.faults.take('avatars'), req, res, answer, this.ctx.timers.later)) {
      answer();
    }
    return true;
  }

  /** The consent page `data.url` points at: opening it records consent (a person would approve there). */
  handleConsentPage(req: http.IncomingMessage, res: http.ServerResponse, path: string): boolean {
    const match = /^\/consent\/([0-9a-f]{32})$/.exec(path);
    if (!match || req.method !== 'GET') {
      return false;
    }
    req.resume();
    const group = this.catalog.group(match[1]);
    if (group) {
      this.catalog.approveConsent(group);
    }
    const text = group ? 'Consent recorded. Training starts now; you can close this page.' : 'No such avatar.';
    res.writeHead(group ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>HeyGen emulator: avatar consent</title><p>${text}</p>`);
    return true;
  }

  private read(path: string, q: URLSearchParams): [number, unknown] {
    const catalog = this.catalog;
    if (path === '/v3/avatars' || path === '/v3/avatars/') {
      const limit = parseLimit(q, 20, 50);
      const ownership = parseEnum(q, 'ownership', OWNERSHIP);
      const groups = catalog.groups.filter((g) => ownership === undefined || g.ownership === ownership);
      const page = pageOf(groups, limit, q.get('token'), (g) => g.id);
      return [200, { ...page, data: page.data.map((g) => catalog.groupJson(g)) }];
    }
    if (path === '/v3/avatars/looks') {
      const limit = parseLimit(q, 20, 50);
      const ownership = parseEnum(q, 'ownership', OWNERSHIP);
      const avatarType = parseEnum(q, 'avatar_type', AVATAR_TYPES);
      const groupId = q.get('group_id') || undefined;
      const looks = catalog.looks.filter(
        (l) =>
          (groupId === undefined || l.group.id === groupId) &&
          (avatarType === undefined || l.group.avatarType === avatarType) &&
          (ownership === undefined || l.group.ownership === ownership),
      );
      const page = pageOf(looks, limit, q.get('token'), (l) => l.id);
      return [200, { ...page, data: page.data.map((l) => catalog.lookJson(l)) }];
    }
    const look = /^\/v3\/avatars\/looks\/([^/]+)$/.exec(path);
    if (look) {
      const found = catalog.look(decodeURIComponent(look[1]));
      return found ? [200, { data: catalog.lookJson(found) }] : [404, v3Error('not_found', `Avatar look ${look[1]} not found.`, 'look_id')];
    }
    const group = /^\/v3\/avatars\/([^/]+)$/.exec(path);
    if (group) {
      const found = catalog.group(decodeURIComponent(group[1]));
      return found ? [200, { data: catalog.groupJson(found) }] : [404, v3Error('not_found', `Avatar ${group[1]} not found.`, 'group_id')];
    }
    return [404, v3Error('not_found', `No route GET ${path}.`)];
  }

  private create(res: http.ServerResponse, raw: Buffer): void {
    const body = parseJson(raw);
    if (!body) {
      refuseJson(res);
      return;
    }
    let group: Group | undefined;
    let name: string;
    try {
      const type = enumAt(body, 'type', ['photo', 'digital_twin', 'prompt'] as const);
      if (type === undefined) {
        throw new ParamError('type', 'type is required (photo, digital_twin or prompt).');
      }
      if (type !== 'photo') {
        throw new ParamError('type', `The emulator makes photo avatars only, not ${type}.`, 'unsupported');
      }
      name = stringAt(body, 'name', { required: true })!;
      if (!isObject(body.file)) {
        throw new ParamError('file', 'file is required: {type: asset_id | url | base64, ...}.');
      }
      checkAssetInput(body.file, 'file', this.findAsset, 'image');
      const groupId = stringAt(body, 'avatar_group_id');
      if (groupId !== undefined) {
        group = this.catalog.group(groupId);
        if (!group || group.avatarType !== 'photo_avatar' || group.ownership !== 'private') {
          throw new ParamError('avatar_group_id', `No photo avatar group ${groupId}.`, 'not_found', 404);
        }
      }
    } catch (error) {
      if (!(error instanceof ParamError)) {
        throw error;
      }
      sendJson(res, error.status, error.body());
      return;
    }
    const look = this.catalog.createPhotoLook(name, group);
    const groupJson = this.catalog.groupJson(look.group);
    sendJson(res, 200, {
      data: {
        avatar_item: { ...this.catalog.lookJson(look), status: this.catalog.status(look) },
        avatar_group: { ...groupJson, consent_status: look.group.consent ?? null },
      },
    });
  }

  private startConsent(res: http.ServerResponse, groupId: string): void {
    const group = this.catalog.group(groupId);
    if (!group || group.ownership !== 'private') {
      sendJson(res, 404, v3Error('not_found', `No private avatar ${groupId}.`, 'group_id'));
      return;
    }
    sendJson(res, 200, { data: { avatar_group: this.catalog.groupJson(group), url: `${this.ctx.origin()}/consent/${group.id}` } });
  }
}
