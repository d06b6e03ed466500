/**
 * A GET streamed to a new file, for URLs a person, an agent or HeyGen names: redirects are followed here (at most
 * five, each hop checked, never from https to http), every connection's address is checked against the download's
 * AddressPolicy before anything is sent, the body stops past the size limit, and the whole download has a deadline.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { STATUS_CODES } from 'node:http';
import * as l10n from '@vscode/l10n';
import { parse as parseContentDisposition } from 'content-disposition';
import type { Dispatcher } from 'undici';
import { HeyGenError } from '../base/heygenError';
import { silentLogger, type Logger } from '../base/logger';
import { formatMegabytes } from '../base/sizes';
import { ADDRESS_REFUSED, AddressRefusedError, SYSTEM_JUDGE, checkHost, guardedLookup, type AddressJudge, type AddressPolicy, type ConnectionRecord } from './addressGuard';
import { createDispatcher } from './dispatchers';
import { deadlineFor, deadlineSignal, openRequest, type HttpSettings } from './httpClient';
import { DeadlineError, describeTransportFailure, errorCode, isAbort } from './transportErrors';

/** Redirects followed at most, as browsers and curl's usual limits go lower than their maximum. */
export const MAX_REDIRECTS = 5;

export interface DownloadRequest {
  url: URL;
  /** The file to create (it must not exist); the caller removes it, also after a failure. */
  path: string;
  /** The body stops (and the download fails) once it passes this many bytes. */
  maxBytes: number;
  addresses: AddressPolicy;
  signal?: AbortSignal;
  /** The whole download, redirects included (default: deadlineFor(maxBytes)). */
  deadlineMs?: number;
  accept?: string;
  /** How the URL is named in sentences (default: origin and path, never the query, which may hold a token). */
  label?: string;
  /** Tests: how names are resolved and which addresses count as private. */
  judge?: AddressJudge;
  log?: Logger;
}

export interface Downloaded {
  /** The URL the bytes came from, after redirects. */
  url: URL;
  /** A safe base name: Content-Disposition's filename, else the requested URL's last path segment (nameForDownload). */
  name: string;
  size: number;
  sha256: string;
  contentType?: string;
  contentDisposition?: string;
}

/** HeyGenError.code of a download refused by the address policy or a redirect rule (no request was sent). */
export const DOWNLOAD_REFUSED = 'downloadRefused';

/**
 * The file name a download should get: Content-Disposition's filename (filename* preferred), else the URL path's last
 * segment; always a plain base name (no folders, no control characters), at most 120 characters.
 */
export function nameForDownload(url: URL, contentDisposition: string | undefined): string {
  // The package decodes RFC 8187's filename* and quoted strings, and ignores what it cannot parse.
  let name = contentDisposition ? (parseContentDisposition(contentDisposition).parameters.filename ?? '') : '';
  if (!name.trim()) {
    const segments = url.pathname.split('/').filter(Boolean);
    name = segments.length ? safeDecode(segments[segments.length - 1]) : '';
  }
  name = name.slice(name.search(/[^\\/]*$/));
  // eslint-disable-next-line no-control-regex
  name = name.replace(/[\\/:*?"<>|\u0000-\u001f\u007f]/g, '_').replace(/^\.+/, '').trim().slice(0, 120);
  return name || 'download';
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Origin and path, shortened: how a URL appears in sentences. */
export function shortUrl(url: URL): string {
  const text = `${url.origin}${url.pathname}`;
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Drops a response body that will not be read; undici reports the abort as an error nobody needs to hear. */
function discard(body: { on(event: 'error', listener: () => void): unknown; destroy(): unknown }): void {
  body.on('error', () => undefined);
  body.destroy();
}

/** Downloads `req.url` into `req.path`. Rejects with a HeyGenError whose sentence names the URL. */
export async function downloadToFile(settings: HttpSettings, req: DownloadRequest): Promise<Downloaded> {
  const where = req.label ?? shortUrl(req.url);
  const judge = req.judge ?? SYSTEM_JUDGE;
  const failed = (message: string, extra: { status?: number; code?: string; cause?: unknown } = {}): HeyGenError =>
    new HeyGenError('invalidFile', message, { file: where, ...extra });
  const refused = (message: string): HeyGenError => failed(message, { code: DOWNLOAD_REFUSED });
  if (req.signal?.aborted) {
    throw cancelled(where);
  }
  // One deadline for the whole chain: every hop's request (and the body's reading) runs under this signal.
  const deadlineMs = req.deadlineMs ?? deadlineFor(req.maxBytes);
  const chain = deadlineSignal(deadlineMs, req.signal);
  const opened: Dispatcher[] = [];
  let url = req.url;
  let previousPrivate = false;
  try {
    for (let hop = 0; ; hop++) {
      // `named`: the person's own URL may be private; after a public hop, a private one is a redirect into the network.
      const allowPrivate = req.addresses === 'any' || (req.addresses === 'named' && (hop === 0 || previousPrivate));
      const record: ConnectionRecord = {};
      const guarded = async (proxy: string | undefined): Promise<Dispatcher> => {
        record.private = await checkHost(url.hostname, judge, allowPrivate, proxy !== undefined);
        // A fresh dispatcher per hop: its lookup checks this hop's addresses, and no pooled connection skips that.
        const lookup = proxy === undefined ? guardedLookup(judge, allowPrivate, record) : undefined;
        const dispatcher = createDispatcher({ ...settings, proxy, strictSSL: settings.routing?.strictSSL }, lookup);
        opened.push(dispatcher);
        return dispatcher;
      };
      let hopRequest: Awaited<ReturnType<typeof openRequest>>;
      try {
        hopRequest = await openRequest(settings, { url, method: 'GET', headers: { accept: req.accept ?? '*/*' }, signal: chain.signal, deadlineMs }, guarded);
      } catch (error) {
        throw error instanceof AddressRefusedError || errorCode(error) === ADDRESS_REFUSED
          ? refused(refusalSentence(where, req.addresses, hop))
          : transportFailure(error, where, chain.signal, req.signal, false);
      }
      const { response, done } = hopRequest;
      try {
        previousPrivate = record.private === true;
        const status = response.statusCode;
        if (status >= 300 && status < 400 && status !== 304) {
          discard(response.body);
          url = nextHop(url, header(response.headers, 'location'), hop, where, refused, failed, status);
          continue;
        }
        if (status < 200 || status >= 300) {
          discard(response.body);
          throw failed(l10n.t('"{0}" could not be downloaded: the server answered HTTP {1} ({2}).', where, status, STATUS_CODES[status] ?? l10n.t('error')), { status });
        }
        // From here on, sentences name the file the person will see.
        const contentDisposition = header(response.headers, 'content-disposition');
        const name = nameForDownload(req.url, contentDisposition);
        const declared = Number(header(response.headers, 'content-length'));
        if (Number.isFinite(declared) && declared > req.maxBytes) {
          discard(response.body);
          throw failed(l10n.t('"{0}" is {1}, over the {2} limit, so it was not downloaded.', name, formatMegabytes(declared), formatMegabytes(req.maxBytes)));
        }
        const written = await writeBody(response.body, req.path, req.maxBytes, (read) => {
          (req.log ?? silentLogger).warn(`Stopped downloading ${where} after ${read} bytes: over the ${req.maxBytes}-byte limit.`);
          return failed(l10n.t('"{0}" is over the {1} limit, so the download was stopped.', name, formatMegabytes(req.maxBytes)));
        }).catch((error: unknown) => {
          throw transportFailure(error, name, chain.signal, req.signal, true);
        });
        return { url, name, ...written, contentType: header(response.headers, 'content-type'), contentDisposition };
      } finally {
        done();
      }
    }
  } finally {
    chain.clear();
    await Promise.all(opened.map((dispatcher) => dispatcher.destroy().catch(() => undefined)));
  }
}

/** Streams the body into a new file, hashing it; stops with `tooLarge()` once it passes `maxBytes`. */
export async function writeBody(
  body: Dispatcher.ResponseData['body'],
  path: string,
  maxBytes: number,
  tooLarge: (read: number) => HeyGenError,
): Promise<{ size: number; sha256: string }> {
  // A connection cut while the file is being opened errors the body before the loop below listens: with no listener
  // that error would be thrown as an uncaught exception. The loop still sees it (the stream keeps its error).
  body.on('error', () => undefined);
  const handle = await open(path, 'wx');
  const hash = createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of body) {
      const bytes = chunk as Buffer;
      size += bytes.length;
      if (size > maxBytes) {
        // Stop at once: the rest of the body is never pulled off the network.
        discard(body);
        throw tooLarge(size);
      }
      hash.update(bytes);
      await handle.write(bytes);
    }
  } finally {
    await handle.close().catch(() => undefined);
  }
  return { size, sha256: hash.digest('hex') };
}

function cancelled(where: string): HeyGenError {
  return new HeyGenError('cancelled', l10n.t('Downloading "{0}" was cancelled.', where), { file: where });
}

/** A failed hop or body in one sentence: cancelled by the caller, past the deadline, or the transport's fault. */
function transportFailure(error: unknown, where: string, chain: AbortSignal, outer: AbortSignal | undefined, completely: boolean): HeyGenError {
  if (error instanceof HeyGenError) {
    return error;
  }
  const deadline = chain.reason instanceof DeadlineError ? chain.reason : undefined;
  if (!deadline && (outer?.aborted || isAbort(error))) {
    return cancelled(where);
  }
  const cause = deadline ?? error;
  const phrase = describeTransportFailure(cause);
  const text = completely ? l10n.t('"{0}" could not be downloaded completely: {1}.', where, phrase) : l10n.t('"{0}" could not be downloaded: {1}.', where, phrase);
  return new HeyGenError(deadline ? 'timeout' : 'invalidFile', text, { file: where, code: errorCode(cause), cause });
}

/** The next URL of a redirect chain, or the HeyGenError that ends it. */
function nextHop(
  current: URL,
  location: string | undefined,
  hop: number,
  where: string,
  refused: (message: string) => HeyGenError,
  failed: (message: string, extra: { status?: number }) => HeyGenError,
  status: number,
): URL {
  if (!location) {
    throw failed(l10n.t('"{0}" could not be downloaded: the server answered HTTP {1} ({2}).', where, status, STATUS_CODES[status] ?? l10n.t('error')), { status });
  }
  if (hop >= MAX_REDIRECTS) {
    throw refused(l10n.t('"{0}" was not downloaded: it redirects more than {1} times.', where, MAX_REDIRECTS));
  }
  let next: URL;
  try {
    next = new URL(location, current);
  } catch {
    throw refused(l10n.t('"{0}" was not downloaded: it redirects to an address that is not a valid URL.', where));
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    throw refused(l10n.t('"{0}" was not downloaded: it redirects to a URL that is not http or https.', where));
  }
  if (current.protocol === 'https:' && next.protocol === 'http:') {
    throw refused(l10n.t('"{0}" was not downloaded: it redirects from https to unencrypted http.', where));
  }
  return next;
}

/** The one sentence for a refused address: the same whether or not anything answers there (nothing was asked). */
function refusalSentence(where: string, policy: AddressPolicy, hop: number): string {
  if (policy === 'named' && hop > 0) {
    return l10n.t('"{0}" was not downloaded: it redirects from a public address to this computer or a private network.', where);
  }
  return l10n.t(
    '"{0}" was not downloaded: it leads to this computer or a private network, which only a URL you enter or drop yourself may reach (the setting heygen.download.allowPrivateNetworks allows it).',
    where,
  );
}
