/**
 * A loopback stand-in for HeyGen (v1's `POST /v1/asset`, the v3 API, a storage host for direct uploads and video
 * downloads), used by the unit, extension-host and UI tests, by `npm start`, `npm run emulator` and the benchmark. It
 * answers in HeyGen's response shapes, records what arrived, and can be told to misbehave. docs/emulator.md describes
 * it; this file wires the parts and their `/__emulator/*` control routes.
 */
import * as http from 'node:http';
import { Clock } from './clock';
import { v1Error, v3Error } from './errors';
import { isBehavior, type Behavior, type V3Behavior } from './faults';
import { FileStore } from './fileStore';
import { HeygenLibrary, readJsonBody, type LibraryOptions } from './heygenLibrary';
import type { AvatarCatalog } from './avatarCatalog';
import type { VideoControls } from './catalogControls';
import type { LegacyMode } from './heygenLegacyVideos';
import { startV3, type CatalogOptions, type V3Account, type V3StoredAsset } from './heygenV3';
import type { VoiceCatalog } from './heygenVoices';
import { listenLoopback, sendJson, Timers } from './http';
import { Arrivals, ReceivedLog, type ArrivedBody, type ReceivedUpload } from './received';
import type { RecordedRequest, RequestLog } from './requestLog';
import { V1Upload } from './v1Upload';
import type { VideoOptions } from './videoStore';

export { isBehavior, type Behavior } from './faults';
export type { ArrivedBody, ReceivedUpload } from './received';
export type { RecordedRequest } from './requestLog';
export type { VideoControls } from './catalogControls';
export type { VideoOptions, VideoSchedule } from './videoStore';

export const DEFAULT_EMULATOR_KEY = 'hg-test-key-0123456789';
const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

export interface EmulatorOptions {
  apiKey?: string;
  /** 0 (the default) picks any free port. */
  port?: number;
  maxBytes?: number;
  /** Origin used in `data.url`; defaults to the emulator's own origin. */
  publicOrigin?: string;
  /** The account's library (`GET /v3/assets`): how many assets it starts with. Uploads join it. */
  library?: LibraryOptions;
  /** The `max_bytes` a v3 direct-upload slot grants (larger sizes are refused); default 2 GiB. */
  v3DirectMaxBytes?: number;
  /** The emulator's time source for everything on a schedule (default the wall clock); tests also `clock.advance()`. */
  now?: () => number;
  /** Videos: their schedule, the MP4's size, seeded videos, URL lifetime. */
  videos?: VideoOptions;
  /** Avatars and voices: how many, training time, consent. */
  catalog?: CatalogOptions;
  /** What the retired `POST /v2/video/generate` and `GET /v1/video_status.get` answer: serve (default), 404, 410. */
  legacy?: LegacyMode;
}

export interface Emulator {
  origin: string;
  uploadUrl: string;
  apiKey: string;
  received: ReceivedUpload[];
  /**
   * Resolves with the first body since the last reset that has these bytes, as soon as it has arrived (also while the
   * answer is held back by 'slow' or 'stall'); rejects after `timeoutMs`. Over HTTP: GET /__emulator/body?sha256=…
   */
  bodyArrived(sha256: string, timeoutMs?: number): Promise<ArrivedBody>;
  /** The v3 library: seed, refuse, fail a delete, see the requests (also over `/__emulator/library/*`). */
  library: HeygenLibrary;
  behave(b: Behavior): void;
  reset(): void;
  close(): Promise<void>;
  /** `heygen.apiBaseUrl` for the v3 routes (the emulator's own origin). */
  apiBaseUrl: string;
  /** The storage host (a second loopback port): direct uploads and video downloads; it refuses the API key. */
  storageOrigin: string;
  /** Every v3 API request that arrived ("GET /v3/users/me"), in order; the storage host's are in `received`. */
  v3Requests: string[];
  /** The v3 library: every asset made through v3 (multipart or completed direct upload), by id. */
  v3Assets: Map<string, V3StoredAsset>;
  /** What `GET /v3/users/me` answers; tests may change it (reset restores it). */
  v3Account: V3Account;
  /** Aims one v3 misbehaviour at a route (`on`, default the multipart upload); it replaces the last one. */
  behaveV3(b: V3Behavior): void;
  /** Expires every direct-upload slot not yet uploaded; returns how many. */
  expireV3Slots(): number;
  /** Hands out the next `count` slots already expired. */
  expireNextV3Slots(count: number): void;
  /** Makes slots accept only base64 checksums, so a hex one is refused (the sources disagree on the format). */
  setV3ChecksumFormat(format: 'hex' | 'base64'): void;
  /** The emulator's time: `clock.advance(ms)` moves every schedule (videos, training, URL expiry) forward. */
  clock: Clock;
  /** Videos: schedule, failures, seed, MP4 size and SHA-256, legacy routes (also over `/__emulator/videos/*`). */
  videos: VideoControls;
  /** Avatar groups and looks; `consentRequired`, `trainingMs`, `approveConsent()`, `seed()`. */
  avatars: AvatarCatalog;
  /** The voice catalogue; `seed(count)`. */
  voices: VoiceCatalog;
  /** The API requests answered (v3, legacy videos, video downloads): method, path, query, redacted headers, body, status. */
  requests: RecordedRequest[];
  /** The same, with `count(method, path)`. */
  requestLog: RequestLog;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const apiKey = options.apiKey ?? DEFAULT_EMULATOR_KEY;
  const received = new ReceivedLog();
  const files = new FileStore();
  const arrivals = new Arrivals();
  const timers = new Timers();
  const clock = new Clock(options.now);
  let origin = '';
  const publicOrigin = (): string => options.publicOrigin ?? origin;
  const keepFile = (name: string, mime: string, bytes: Buffer): void => files.keep(name, mime, bytes);

  const v3 = await startV3({
    apiKey,
    origin: publicOrigin,
    received,
    keepFile,
    directMaxBytes: options.v3DirectMaxBytes,
    clock,
    // Called only for requests, when both exist.
    findAsset: (id) => v3.assets.get(id) ?? library.find(id),
    videos: options.videos,
    catalog: options.catalog,
    legacy: options.legacy,
  });
  const library = new HeygenLibrary({
    ...options.library,
    apiKey,
    origin: publicOrigin,
    account: () => v3.account.username,
    v3Assets: v3.assets,
  });
  const v1 = new V1Upload({
    apiKey,
    maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
    received,
    arrivals,
    publicOrigin,
    later: timers.later,
    keepFile,
    addToLibrary: (asset) => library.add(asset),
    nowSeconds: () => clock.seconds(),
  });

  function reset(): void {
    v3.reset();
    v1.reset();
    received.reset();
    arrivals.reset();
    files.reset();
    clock.reset();
    library.reset();
  }

  function control(req: http.IncomingMessage, res: http.ServerResponse, url: URL): boolean {
    const path = url.pathname;
    if (path === '/__emulator/received' && req.method === 'GET') {
      req.resume();
      sendJson(res, 200, received.list);
      return true;
    }
    if (path === '/__emulator/body' && req.method === 'GET') {
      req.resume();
      const timeoutMs = Math.min(Number(url.searchParams.get('timeoutMs') ?? 30_000) || 30_000, 120_000);
      arrivals.wait(url.searchParams.get('sha256') ?? '', timeoutMs).then(
        (body) => sendJson(res, 200, body),
        (err: unknown) => sendJson(res, 408, { ok: false, error: err instanceof Error ? err.message : String(err) }),
      );
      return true;
    }
    if (path === '/__emulator/reset' && req.method === 'POST') {
      req.resume();
      reset();
      sendJson(res, 200, { ok: true });
      return true;
    }
    if (path === '/__emulator/behave' && req.method === 'POST') {
      readJsonBody(req, 64 * 1024).then(
        (value) => {
          if (!isBehavior(value)) {
            sendJson(res, 400, { ok: false, error: 'expected a JSON Behavior with a known "mode"' });
            return;
          }
          v1.behave(value);
          sendJson(res, 200, { ok: true });
        },
        (err: unknown) => sendJson(res, 400, { ok: false, error: String(err) }),
      );
      return true;
    }
    if (path === '/__emulator/clock/advance' && req.method === 'POST') {
      readJsonBody(req, 1024).then(
        (value) => {
          clock.advance(Number((value as { ms?: unknown } | undefined)?.ms));
          sendJson(res, 200, { ok: true, now: clock.now() });
        },
        (err: unknown) => sendJson(res, 400, { ok: false, error: String(err) }),
      );
      return true;
    }
    return false;
  }

  const server = await listenLoopback((req, res) => {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const path = url.pathname;
    if (control(req, res, url) || v3.handle(req, res, url)) {
      return;
    }
    if (path === '/v1/asset') {
      if (req.method === 'POST') {
        v1.handle(req, res);
      } else {
        req.resume();
        sendJson(res, 405, v1Error(405, 'Method not allowed'));
      }
      return;
    }
    if (library.handle(req, res, url) || files.handle(req, res, path)) {
      return;
    }
    req.resume();
    // A v3 path answers in v3's envelope; every other path keeps v1's shape.
    if (path.startsWith('/v3/')) {
      sendJson(res, 404, v3Error('not_found', `No route ${req.method ?? 'GET'} ${path}.`));
    } else {
      sendJson(res, 404, v1Error(404, 'Not found'));
    }
  }, options.port ?? 0);
  origin = server.origin;
  // Seeded again now that the URLs can name the origin.
  library.reset();

  return {
    origin,
    uploadUrl: `${origin}/v1/asset`,
    apiKey,
    received: received.list,
    bodyArrived: (sha256, timeoutMs) => arrivals.wait(sha256, timeoutMs),
    library,
    behave: (b) => v1.behave(b),
    reset,
    apiBaseUrl: origin,
    storageOrigin: v3.storageOrigin,
    v3Requests: v3.requests,
    v3Assets: v3.assets,
    v3Account: v3.account,
    behaveV3: (b) => v3.behave(b),
    expireV3Slots: () => v3.expireSlots(),
    expireNextV3Slots: (count) => v3.expireNextSlots(count),
    setV3ChecksumFormat: (format) => v3.setChecksumFormat(format),
    clock,
    videos: v3.videos,
    avatars: v3.avatars,
    voices: v3.voices,
    requests: v3.log.entries,
    requestLog: v3.log,
    close: async () => {
      timers.clear();
      await Promise.all([v3.close(), server.close()]);
    },
  };
}
