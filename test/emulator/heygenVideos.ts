/**
 * The v3 video routes (heygen-cli gen/video.go): `POST /v3/videos` (checked by videoRequest.ts, `Idempotency-Key`
 * honoured by idempotency.ts, answered `{data: {video_id, status: "waiting"}}`), `GET /v3/videos/{id}`,
 * `GET /v3/videos` (`limit` 1-100, default 10; `token`; `title` substring; newest first), `DELETE /v3/videos/{id}`,
 * and the video's files on the storage host (videoDownload.ts). Each misbehaves when a test aims a fault at it.
 */
import type * as http from 'node:http';
import { isObject } from './bodyChecks';
import { ParamError, v3Error } from './errors';
import { answersInstead, faultStatus, misbehave, readBody } from './faults';
import { sendJson } from './http';
import type { IdempotencyKeys } from './idempotency';
import { pageOf, parseLimit } from './paging';
import type { RecordedRequest } from './requestLog';
import { authorized, JSON_BODY_MAX_BYTES, parseJson, refuseJson, type V3Context } from './v3Context';
import { checkVideoRequest, type VideoCatalogs } from './videoRequest';
import type { VideoStore } from './videoStore';

export class VideoRoutes {
  constructor(
    private readonly ctx: V3Context,
    private readonly store: VideoStore,
    private readonly catalogs: VideoCatalogs,
    private readonly keys: IdempotencyKeys,
  ) {}

  /** Answers a v3 video route; false for other paths. */
  handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL, entry: RecordedRequest): boolean {
    const path = url.pathname;
    if (path === '/v3/videos' && req.method === 'POST') {
      this.create(req, res, entry);
      return true;
    }
    if (path === '/v3/videos' && req.method === 'GET') {
      this.simple(req, res, 'video-list', () => this.list(res, url.searchParams));
      return true;
    }
    const one = /^\/v3\/videos\/([^/]+)$/.exec(path);
    if (one && (req.method === 'GET' || req.method === 'DELETE')) {
      const id = decodeURIComponent(one[1]);
      if (req.method === 'GET') {
        this.simple(req, res, 'video-status', () => this.get(res, id));
      } else {
        this.simple(req, res, 'video-delete', () => this.remove(res, id));
      }
      return true;
    }
    return false;
  }

  /** A route without a body: its misbehaviour first, then the key, then `answer`. */
  private simple(req: http.IncomingMessage, res: http.ServerResponse, route: 'video-list' | 'video-status' | 'video-delete', answer: () => void): void {
    req.resume();
    const normal = (): void => {
      if (authorized(this.ctx, req, res)) {
        answer();
      }
    };
    if (!misbehave(this.ctx.faults.take(route), req, res, normal, this.ctx.timers.later)) {
      normal();
    }
  }

  private create(req: http.IncomingMessage, res: http.ServerResponse, entry: RecordedRequest): void {
    const b = this.ctx.faults.take('video-create');
    void readBody(req, b, JSON_BODY_MAX_BYTES, this.ctx.timers.later).then((read) => {
      if (!read) {
        return;
      }
      const body = parseJson(read.body);
      if (read.body.length > 0) {
        entry.body = body ?? read.body.toString('utf8');
      }
      if (!authorized(this.ctx, req, res)) {
        return;
      }
      const claim = this.keys.claim(req.headers['idempotency-key'], read.body);
      if (claim?.kind === 'invalid') {
        sendJson(res, 400, v3Error('invalid_parameter', 'Idempotency-Key must be 1 to 255 characters of A-Z, a-z, 0-9, _ : . -', 'Idempotency-Key'));
        return;
      }
      if (claim?.kind === 'replay') {
        sendJson(res, claim.status, claim.body, { 'Idempotent-Replayed': 'true' });
        return;
      }
      if (claim?.kind === 'inFlight') {
        sendJson(res, 409, v3Error('idempotency_conflict', 'A request with this Idempotency-Key is still in progress; retry later.', 'Idempotency-Key'));
        return;
      }
      if (claim?.kind === 'mismatch') {
        sendJson(res, 422, v3Error('idempotency_key_reused', 'This Idempotency-Key was used with a different body.', 'Idempotency-Key'));
        return;
      }
      // A fault, a reset or a client gone before the answer leaves the key free for a retry.
      res.on('close', () => claim?.release());
      const answer = (status: number, text: string): void => {
        claim?.finish(status, text);
        sendJson(res, status, text);
      };
      const normal = (): void => {
        if (read.over) {
          answer(413, v3Error('payload_too_large', `The body exceeds ${JSON_BODY_MAX_BYTES} bytes.`));
          return;
        }
        if (!body || !isObject(body)) {
          refuseJson(res);
          claim?.release();
          return;
        }
        try {
          const checked = checkVideoRequest(body, this.catalogs);
          const video = this.store.create(checked);
          answer(200, JSON.stringify({ data: { video_id: video.id, status: 'waiting', output_format: body.output_format === 'webm' ? 'webm' : 'mp4' } }));
        } catch (error) {
          if (!(error instanceof ParamError)) {
            throw error;
          }
          answer(error.status, error.body());
        }
      };
      if (answersInstead(b) && faultStatus(b) !== 0) {
        // A fault answered: nothing was made. (A stall stays in flight until its connection closes.)
        claim?.release();
      }
      if (!misbehave(b, req, res, normal, this.ctx.timers.later)) {
        normal();
      }
    });
  }

  private get(res: http.ServerResponse, id: string): void {
    const video = this.store.get(id);
    if (!video) {
      sendJson(res, 404, v3Error('not_found', `Video ${id} not found.`, 'video_id'));
      return;
    }
    sendJson(res, 200, { data: this.store.json(video, this.ctx.origin(), this.ctx.storageOrigin()) });
  }

  private list(res: http.ServerResponse, q: URLSearchParams): void {
    try {
      const limit = parseLimit(q, 10, 100);
      const title = q.get('title')?.toLowerCase();
      const folder = q.get('folder_id');
      const videos = this.store
        .list()
        // Every emulated video is at the root: a folder filter other than the root's matches none.
        .filter((v) => (!title || (v.title ?? '').toLowerCase().includes(title)) && (folder === null || folder === ''));
      const page = pageOf(videos, limit, q.get('token'), (v) => v.id);
      sendJson(res, 200, { ...page, data: page.data.map((v) => this.store.json(v, this.ctx.origin(), this.ctx.storageOrigin())) });
    } catch (error) {
      if (!(error instanceof ParamError)) {
        throw error;
      }
      sendJson(res, error.status, error.body());
    }
  }

  private remove(res: http.ServerResponse, id: string): void {
    if (!this.store.delete(id)) {
      sendJson(res, 404, v3Error('not_found', `Video ${id} not found.`, 'video_id'));
      return;
    }
    sendJson(res, 200, { data: { id, deleted: true } });
  }

  /** `video_page_url`: a page on the emulator that shows the video (in the HeyGen app it is the video's page). */
  handlePage(req: http.IncomingMessage, res: http.ServerResponse, path: string): boolean {
    const match = /^\/videos\/([0-9a-z]{32})$/.exec(path);
    if (!match || req.method !== 'GET') {
      return false;
    }
    req.resume();
    const video = this.store.get(match[1]);
    const escape = (text: string): string => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
    const json = video ? this.store.json(video, this.ctx.origin(), this.ctx.storageOrigin()) : undefined;
    const player = typeof json?.video_url === 'string' ? `<video controls src="${escape(json.video_url)}"></video>` : '';
    res.writeHead(video ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>HeyGen emulator: video</title><h1>${escape(video?.title ?? match[1])}</h1><p>${escape(typeof json?.status === 'string' ? json.status : 'not found')}</p>${player}`);
    return true;
  }
}
