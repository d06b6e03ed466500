/**
 * HeyGen API v3 for the emulator, written from shared/notes/heygen-v3-api.md: `GET /v3/users/me`, multipart
 * `POST /v3/assets` (v3Multipart.ts), direct uploads through a storage host on a second loopback port
 * (v3DirectUpload.ts), the `{"error": {code, message, param, doc_url}}` envelope, and the same misbehaviours as v1
 * (faults.ts), aimed at one route at a time. This file wires the routes and their `/__emulator/v3/*` controls.
 */
import type * as http from 'node:http';
import { handleAssetStatuses } from './assetStatuses';
import { AvatarCatalog, DEFAULT_LOOK_COUNT, DEFAULT_TRAINING_MS } from './avatarCatalog';
import type { FindAsset } from './bodyChecks';
import { handleCatalogControl, videoControls, type VideoControls } from './catalogControls';
import { Clock } from './clock';
import { V3Faults, misbehave, readBody, type V3Behavior } from './faults';
import { AvatarRoutes } from './heygenAvatars';
import { LegacyVideoRoutes, type LegacyMode } from './heygenLegacyVideos';
import { VideoRoutes } from './heygenVideos';
import { DEFAULT_VOICE_COUNT, VoiceCatalog } from './heygenVoices';
import { listenLoopback, sendJson, Timers } from './http';
import { IdempotencyKeys } from './idempotency';
import { handlePreview } from './previewMedia';
import type { ReceivedLog } from './received';
import { RequestLog } from './requestLog';
import { authorized, DEFAULT_V3_ACCOUNT, type V3Account, type V3Context, type V3StoredAsset } from './v3Context';
import { DirectUploads } from './v3DirectUpload';
import { handleMultipart } from './v3Multipart';
import { handleVideoDownload } from './videoDownload';
import { VideoStore, type VideoOptions } from './videoStore';

export { v3Error } from './errors';
export { paceReading, type V3Behavior, type V3Route } from './faults';
export { DEFAULT_V3_ACCOUNT, type V3Account, type V3StoredAsset } from './v3Context';
export { V3_MULTIPART_MAX_BYTES } from './v3Multipart';

export interface CatalogOptions {
  /** Avatar looks at start (groups of three; default 36, the bench uses 5,000). */
  looks?: number;
  /** How long a new photo avatar trains (emulator clock; default 10 s). */
  trainingMs?: number;
  /** New photo avatars wait for consent (docs/emulator.md). */
  consentRequired?: boolean;
  /** Voices at start (default 48, the bench uses 2,000). */
  voices?: number;
}

export interface V3Options {
  apiKey: string;
  /** The emulator's own origin (for `url`), resolved once it listens. */
  origin: () => string;
  received: ReceivedLog;
  keepFile: (name: string, mime: string, bytes: Buffer) => void;
  /** Largest `max_bytes` a slot is granted. */
  directMaxBytes?: number;
  clock?: Clock;
  /** The account's assets by id (seeded, v1 and v3 uploads), for ids a request names. */
  findAsset: FindAsset;
  videos?: VideoOptions;
  catalog?: CatalogOptions;
  /** What the retired v1/v2 video routes answer (default `serve`). */
  legacy?: LegacyMode;
}

export interface V3Server {
  storageOrigin: string;
  /** Every v3 API request that arrived ("GET /v3/users/me"), known route or not, in order. */
  requests: string[];
  assets: Map<string, V3StoredAsset>;
  account: V3Account;
  clock: Clock;
  videos: VideoControls;
  avatars: AvatarCatalog;
  voices: VoiceCatalog;
  /** The API requests answered (v3, legacy video routes, storage downloads), with bodies and statuses. */
  log: RequestLog;
  /** Answers a request when it is a v3 route or a v3 control route; false when it is not ours. */
  handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL): boolean;
  behave(b: V3Behavior): void;
  /** Every slot not yet uploaded expires now (storage then refuses its URL). */
  expireSlots(): number;
  /** The next `count` slots are handed out already expired, as if the PUT came after `expires_in_seconds`. */
  expireNextSlots(count: number): void;
  /** How slots refuse a hex checksum, to exercise the client's fallback: 'hex' accepts hex (the schema). */
  setChecksumFormat(format: 'hex' | 'base64'): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startV3(options: V3Options): Promise<V3Server> {
  const requests: string[] = [];
  const timers = new Timers();
  let storageOrigin = '';
  const ctx: V3Context = {
    apiKey: options.apiKey,
    origin: options.origin,
    storageOrigin: () => storageOrigin,
    clock: options.clock ?? new Clock(),
    timers,
    faults: new V3Faults(),
    received: options.received,
    assets: new Map(),
    account: structuredClone(DEFAULT_V3_ACCOUNT),
    keepFile: options.keepFile,
  };
  const direct = new DirectUploads(ctx, options.directMaxBytes);
  const log = new RequestLog(() => ctx.clock.now());
  const catalog = options.catalog ?? {};
  const voices = new VoiceCatalog(options.origin, catalog.voices ?? DEFAULT_VOICE_COUNT);
  const avatars = new AvatarCatalog(options.origin, voices, ctx.clock, catalog.looks ?? DEFAULT_LOOK_COUNT, catalog.trainingMs ?? DEFAULT_TRAINING_MS);
  avatars.consentRequired = catalog.consentRequired === true;
  const store = new VideoStore(ctx.clock, options.videos);
  const keys = new IdempotencyKeys(ctx.clock);
  const catalogs = { avatars, voices, findAsset: options.findAsset };
  const videoRoutes = new VideoRoutes(ctx, store, catalogs, keys);
  const legacy = new LegacyVideoRoutes(ctx, store, catalogs, options.legacy);
  const avatarRoutes = new AvatarRoutes(ctx, avatars, options.findAsset);
  const videos = videoControls(store, legacy);
  const statusOf = (id: string): 'queued' | 'processing' | 'completed' | undefined => {
    const asset = ctx.assets.get(id);
    if (asset) {
      return asset.status === 'pending_upload' ? 'queued' : asset.status;
    }
    return options.findAsset(id) ? 'completed' : undefined;
  };

  const storage = await listenLoopback((req, res) => {
    const url = new URL(req.url ?? '/', 'http://storage.invalid');
    if (url.pathname.startsWith('/videos/')) {
      log.start(req, res, url);
      if (handleVideoDownload(ctx, store, req, res, url)) {
        return;
      }
    }
    direct.handlePut(req, res, url);
  });
  storageOrigin = storage.origin;

  function handleMe(req: http.IncomingMessage, res: http.ServerResponse): void {
    req.resume();
    const answer = (): void => {
      if (authorized(ctx, req, res)) {
        sendJson(res, 200, { data: ctx.account });
      }
    };
    if (!misbehave(ctx.faults.take('me'), req, res, answer, timers.later)) {
      answer();
    }
  }

  function control(req: http.IncomingMessage, res: http.ServerResponse, url: URL): boolean {
    const path = url.pathname;
    const reply = (status: number, value: unknown): void => sendJson(res, status, value);
    if (path === '/__emulator/v3/behave' && req.method === 'POST') {
      void readBody(req, { mode: 'normal' }, 64 * 1024, timers.later).then((read) => {
        try {
          ctx.faults.set(JSON.parse(read?.body.toString('utf8') ?? '') as V3Behavior);
          reply(200, { ok: true });
        } catch (error) {
          reply(400, { ok: false, error: String(error) });
        }
      });
      return true;
    }
    if (path === '/__emulator/v3/expire-slots' && req.method === 'POST') {
      // `?next=N`: the next N slots come already expired; without it, the pending ones expire now.
      req.resume();
      const next = Number(url.searchParams.get('next') ?? '');
      if (Number.isInteger(next) && next > 0) {
        direct.expireNextSlots(next);
        reply(200, { ok: true, next });
      } else {
        reply(200, { ok: true, expired: direct.expireSlots() });
      }
      return true;
    }
    if (path === '/__emulator/v3/checksum-format' && req.method === 'POST') {
      void readBody(req, { mode: 'normal' }, 1024, timers.later).then((read) => {
        const format = read?.body.toString('utf8').trim();
        if (format === 'hex' || format === 'base64') {
          direct.setChecksumFormat(format);
          reply(200, { ok: true });
        } else {
          reply(400, { ok: false, error: 'expected hex or base64' });
        }
      });
      return true;
    }
    if (path === '/__emulator/v3/requests' && req.method === 'GET') {
      req.resume();
      reply(200, requests);
      return true;
    }
    if (path === '/__emulator/v3/assets' && req.method === 'GET') {
      req.resume();
      reply(200, [...ctx.assets.values()]);
      return true;
    }
    return false;
  }

  function handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL): boolean {
    const path = url.pathname;
    if (path.startsWith('/__emulator/v3/')) {
      return control(req, res, url);
    }
    if (handleCatalogControl(req, res, url, { videos, avatars, voices, log })) {
      return true;
    }
    if (handlePreview(req, res, path) || avatarRoutes.handleConsentPage(req, res, path) || videoRoutes.handlePage(req, res, path)) {
      return true;
    }
    if (path.startsWith('/v3/')) {
      requests.push(`${req.method ?? '?'} ${path}`);
    }
    const legacyPath = path === '/v2/video/generate' || path === '/v1/video_status.get';
    const entry = path.startsWith('/v3/') || legacyPath ? log.start(req, res, url) : undefined;
    if (entry) {
      if (
        handleAssetStatuses(ctx, req, res, url, statusOf) ||
        videoRoutes.handle(req, res, url, entry) ||
        avatarRoutes.handle(req, res, url, entry) ||
        voices.handle(ctx, req, res, url) ||
        legacy.handle(req, res, url, entry)
      ) {
        return true;
      }
    }
    if (path === '/v3/users/me' && req.method === 'GET') {
      handleMe(req, res);
      return true;
    }
    if (path === '/v3/assets' && req.method === 'POST') {
      handleMultipart(ctx, req, res);
      return true;
    }
    if (path === '/v3/assets/direct-uploads' && req.method === 'POST') {
      direct.handleSlot(req, res);
      return true;
    }
    const complete = /^\/v3\/assets\/([^/]+)\/complete$/.exec(path);
    if (complete && req.method === 'POST') {
      direct.handleComplete(req, res, complete[1]);
      return true;
    }
    return false;
  }

  return {
    storageOrigin,
    requests,
    assets: ctx.assets,
    account: ctx.account,
    clock: ctx.clock,
    videos,
    avatars,
    voices,
    log,
    handle,
    behave: (b) => ctx.faults.set(b),
    expireSlots: () => direct.expireSlots(),
    expireNextSlots: (count) => direct.expireNextSlots(count),
    setChecksumFormat: (format) => direct.setChecksumFormat(format),
    reset: () => {
      ctx.assets.clear();
      requests.length = 0;
      direct.reset();
      ctx.faults.reset();
      Object.assign(ctx.account, structuredClone(DEFAULT_V3_ACCOUNT));
      log.reset();
      keys.reset();
      store.reset();
      legacy.reset();
      voices.seed(catalog.voices ?? DEFAULT_VOICE_COUNT);
      avatars.seed(catalog.looks ?? DEFAULT_LOOK_COUNT);
      avatars.trainingMs = catalog.trainingMs ?? DEFAULT_TRAINING_MS;
      avatars.consentRequired = catalog.consentRequired === true;
    },
    close: async () => {
      timers.clear();
      await storage.close();
    },
  };
}
