/**
 * The emulator's HeyGen library: `GET /v3/assets` with the documented cursor paging (`limit` 1-100, `token`;
 * `has_more`, `next_token`) and the beta rule that `username` (from `GET /v3/users/me`) is required,
 * `GET /v3/assets/{id}`, `DELETE /v3/assets/{id}` (then 404), and control endpoints under `/__emulator/library/`
 * to seed N assets, refuse the list (403), fail one delete, or drop assets as HeyGen's inactivity cleanup would.
 * Errors use v3's envelope `{"error": {code, message, param, doc_url}}`.
 */
import type * as http from 'node:http';
import { v3Error } from './errors';

export const EMULATOR_USERNAME = 'emulator-user';
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

export interface LibraryAssetJson {
  id: string;
  name: string;
  type: string;
  owner: string;
  space_id: string;
  folder_id: string | null;
  /** Unix seconds. */
  uploaded_at: number;
  url: string | null;
}

export interface LibraryOptions {
  /** Assets present at start (newest first: asset N is the newest). */
  seed?: number;
  username?: string;
}

export interface DeleteFault {
  id: string;
  status: number;
  code?: string;
  message?: string;
}

export interface LibraryRequests {
  /** Each list request's query (username, limit, token), in order. */
  list: Array<{ username: string | null; limit: string | null; token: string | null; status: number }>;
  get: string[];
  delete: string[];
}

function encodeCursor(asset: LibraryAssetJson): string {
  return Buffer.from(JSON.stringify([asset.uploaded_at, asset.id]), 'utf8').toString('base64url');
}

function decodeCursor(token: string): [number, string] | undefined {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'string') {
      return [value[0], value[1]];
    }
  } catch {
    // Not one of ours.
  }
  return undefined;
}

/** Newest first; ties by id, so the order (and a cursor into it) is total. */
function newerFirst(a: LibraryAssetJson, b: LibraryAssetJson): number {
  return b.uploaded_at - a.uploaded_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

const SEED_TYPES: ReadonlyArray<{ type: string; ext: string }> = [
  { type: 'image', ext: 'png' },
  { type: 'video', ext: 'mp4' },
  { type: 'audio', ext: 'mp3' },
  { type: 'image', ext: 'jpg' },
];

export class HeygenLibrary {
  readonly requests: LibraryRequests = { list: [], get: [], delete: [] };
  private assets: LibraryAssetJson[] = [];
  private refuseStatus: number | undefined;
  private deleteFaults = new Map<string, DeleteFault>();
  private readonly initialSeed: number;

  private readonly apiKey: string;
  private readonly origin: () => string;
  private readonly account: () => string;
  private readonly v3Assets: Map<string, LibraryAssetJson & { status?: string }> | undefined;

  constructor(options: LibraryOptions & {
    apiKey: string;
    origin: () => string;
    /** The username `GET /v3/users/me` answers (the v3 emulator's account); the list requires it. */
    account?: () => string;
    /** The v3 emulator's store of assets uploaded through v3: listed, got and deleted here too. */
    v3Assets?: Map<string, LibraryAssetJson & { status?: string }>;
  }) {
    this.apiKey = options.apiKey;
    this.origin = options.origin;
    this.account = options.account ?? (() => options.username ?? EMULATOR_USERNAME);
    this.v3Assets = options.v3Assets;
    this.initialSeed = options.seed ?? 0;
    this.seed(this.initialSeed);
  }

  get username(): string {
    return this.account();
  }

  /**
   * Replaces the library with `count` assets named `asset-0001.png` … (asset `count` the newest, one minute
   * apart, ending `newestAt`); every 25th is a font, as real libraries hold more than media. Ids start with
   * `idPrefix`, so a test can have assets this editor has never listed.
   */
  seed(count: number, newestAt = Date.now(), idPrefix = 'lib'): void {
    const out: LibraryAssetJson[] = [];
    const newestSeconds = Math.floor(newestAt / 1000);
    for (let n = 1; n <= count; n++) {
      const font = n % 25 === 0;
      const { type, ext } = font ? { type: 'font', ext: 'ttf' } : SEED_TYPES[n % SEED_TYPES.length];
      const id = `${idPrefix}${String(n).padStart(5, '0')}`.padEnd(32, '0');
      out.push({
        id,
        name: `asset-${String(n).padStart(4, '0')}.${ext}`,
        type,
        owner: this.username,
        space_id: 'space-emulator',
        folder_id: null,
        uploaded_at: newestSeconds - (count - n) * 60,
        url: `${this.origin()}/files/${id}.${ext}`,
      });
    }
    this.assets = out.sort(newerFirst);
  }

  /** An upload that reached the emulator joins the library, as on HeyGen. */
  add(asset: Omit<LibraryAssetJson, 'owner' | 'space_id' | 'folder_id'> & { folder_id?: string | null }): void {
    this.assets = this.assets.filter((a) => a.id !== asset.id);
    this.assets.push({ owner: this.username, space_id: 'space-emulator', folder_id: null, ...asset });
    this.assets.sort(newerFirst);
  }

  /** Gone without a request, as HeyGen's cleanup of inactive assets does. */
  drop(ids: readonly string[]): void {
    const set = new Set(ids);
    this.assets = this.assets.filter((a) => !set.has(a.id));
    for (const id of set) {
      this.v3Assets?.delete(id);
    }
  }

  /** Newest first: the seeded assets, v1 uploads, and completed v3 uploads. */
  all(): readonly LibraryAssetJson[] {
    const fromV3 = [...(this.v3Assets?.values() ?? [])]
      .filter((a) => a.status === undefined || a.status === 'completed')
      .map(({ id, name, type, owner, space_id, folder_id, uploaded_at, url }) => ({ id, name, type, owner, space_id, folder_id, uploaded_at, url }));
    return fromV3.length === 0 ? this.assets : [...this.assets, ...fromV3].sort(newerFirst);
  }

  /** A seeded or v1-uploaded asset by id (v3 uploads are in the v3 store). */
  find(id: string): LibraryAssetJson | undefined {
    return this.assets.find((a) => a.id === id);
  }

  has(id: string): boolean {
    return this.assets.some((a) => a.id === id) || this.v3Assets?.has(id) === true;
  }

  reset(): void {
    this.refuseStatus = undefined;
    this.deleteFaults.clear();
    this.requests.list.length = 0;
    this.requests.get.length = 0;
    this.requests.delete.length = 0;
    this.seed(this.initialSeed);
  }

  /** Handles the library's routes; false when `path` is not one of them. */
  handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL): boolean {
    const path = url.pathname;
    if (path.startsWith('/__emulator/library')) {
      this.control(req, res, path);
      return true;
    }
    if (path === '/v3/assets' && req.method === 'GET') {
      this.list(req, res, url);
      return true;
    }
    const one = /^\/v3\/assets\/([^/]+)$/.exec(path);
    if (one && (req.method === 'GET' || req.method === 'DELETE')) {
      const id = decodeURIComponent(one[1]);
      if (id === 'statuses' || id === 'direct-uploads' || id === 'batches') {
        return false;
      }
      if (!this.authorized(req, res)) {
        return true;
      }
      req.resume();
      if (req.method === 'GET') {
        this.requests.get.push(id);
        const asset = this.all().find((a) => a.id === id);
        send(res, asset ? 200 : 404, asset ? JSON.stringify({ data: asset }) : v3Error('not_found', `Asset ${id} not found.`, 'asset_id'));
      } else {
        this.requests.delete.push(id);
        const fault = this.deleteFaults.get(id);
        if (fault) {
          send(res, fault.status, v3Error(fault.code ?? 'internal_error', fault.message ?? 'Internal error.'));
          return true;
        }
        if (!this.has(id)) {
          send(res, 404, v3Error('not_found', `Asset ${id} not found.`, 'asset_id'));
          return true;
        }
        this.drop([id]);
        send(res, 200, JSON.stringify({ data: { id } }));
      }
      return true;
    }
    return false;
  }

  private authorized(req: http.IncomingMessage, res: http.ServerResponse): boolean {
    if (req.headers['x-api-key'] === this.apiKey) {
      return true;
    }
    req.resume();
    send(res, 401, v3Error('unauthorized', 'Invalid API key.'));
    return false;
  }

  private list(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
    const q = url.searchParams;
    const entry = { username: q.get('username'), limit: q.get('limit'), token: q.get('token'), status: 0 };
    this.requests.list.push(entry);
    const answer = (status: number, body: string): void => {
      entry.status = status;
      send(res, status, body);
    };
    if (!this.authorized(req, res)) {
      entry.status = 401;
      return;
    }
    req.resume();
    if (this.refuseStatus !== undefined) {
      answer(this.refuseStatus, v3Error('forbidden', 'Listing assets is not available for this account.'));
      return;
    }
    // The beta rule: the list is per user, and the user must be named.
    if (!entry.username) {
      answer(400, v3Error('invalid_parameter', 'username is required.', 'username'));
      return;
    }
    if (entry.username !== this.username) {
      answer(403, v3Error('forbidden', 'You can only list your own assets.', 'username'));
      return;
    }
    const limit = entry.limit === null ? DEFAULT_LIMIT : Number(entry.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      answer(400, v3Error('invalid_parameter', `limit must be an integer from 1 to ${MAX_LIMIT}.`, 'limit'));
      return;
    }
    const listed = this.all();
    let start = 0;
    if (entry.token) {
      const cursor = decodeCursor(entry.token);
      if (!cursor) {
        answer(400, v3Error('invalid_parameter', 'token is not valid.', 'token'));
        return;
      }
      // Strictly after the cursor's place, so an asset deleted meanwhile moves nothing.
      const [at, id] = cursor;
      start = listed.findIndex((a) => a.uploaded_at < at || (a.uploaded_at === at && a.id > id));
      if (start < 0) {
        start = listed.length;
      }
    }
    const page = listed.slice(start, start + limit);
    const hasMore = start + limit < listed.length;
    answer(200, JSON.stringify({ data: page, has_more: hasMore, next_token: hasMore ? encodeCursor(page[page.length - 1]) : null }));
  }

  private control(req: http.IncomingMessage, res: http.ServerResponse, path: string): void {
    if (path === '/__emulator/library' && req.method === 'GET') {
      req.resume();
      send(res, 200, JSON.stringify({ username: this.username, assets: this.all(), requests: this.requests }));
      return;
    }
    readJsonBody(req).then(
      (value) => {
        const body = value ?? {};
        switch (path) {
          case '/__emulator/library/seed': {
            const { count, newestAt, idPrefix } = body as { count?: unknown; newestAt?: unknown; idPrefix?: unknown };
            if (typeof count !== 'number' || count < 0) {
              send(res, 400, JSON.stringify({ ok: false, error: 'expected {"count": N}' }));
              return;
            }
            this.reset();
            this.seed(count, typeof newestAt === 'number' ? newestAt : Date.now(), typeof idPrefix === 'string' ? idPrefix : undefined);
            break;
          }
          case '/__emulator/library/refuse': {
            const { status } = body as { status?: unknown };
            this.refuseStatus = typeof status === 'number' ? status : undefined;
            break;
          }
          case '/__emulator/library/failDelete': {
            const fault = body as Partial<DeleteFault>;
            if (typeof fault.id !== 'string' || typeof fault.status !== 'number') {
              send(res, 400, JSON.stringify({ ok: false, error: 'expected {"id", "status", "message"?}' }));
              return;
            }
            this.deleteFaults.set(fault.id, { id: fault.id, status: fault.status, code: fault.code, message: fault.message });
            break;
          }
          case '/__emulator/library/drop': {
            const { ids } = body as { ids?: unknown };
            this.drop(Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : []);
            break;
          }
          case '/__emulator/library/reset':
            this.reset();
            break;
          default:
            send(res, 404, JSON.stringify({ ok: false, error: `unknown control ${path}` }));
            return;
        }
        send(res, 200, JSON.stringify({ ok: true }));
      },
      (error: unknown) => send(res, 400, JSON.stringify({ ok: false, error: String(error) })),
    );
  }
}

function send(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(body);
}

/** A control request's JSON body (undefined when empty), refused past `maxBytes`. */
export async function readJsonBody(req: http.IncomingMessage, maxBytes = 1024 * 1024): Promise<unknown> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      throw new Error('control body too large');
    }
    parts.push(chunk as Buffer);
  }
  const text = Buffer.concat(parts).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : undefined;
}
