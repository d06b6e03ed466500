/**
 * Transport failures in words: the phrase for a failed connection ("the connection was reset") and the HeyGenError
 * for a failed transfer, so every request, whatever its purpose, reports the same fault the same way.
 */
import * as l10n from '@vscode/l10n';
import { errors as undiciErrors } from 'undici';
import { HeyGenError } from '../base/heygenError';
import { isCertificateError } from './certificateErrors';

/** `code` of the error a request fails with when its total deadline passes (see httpClient.ts). */
export const DEADLINE_EXCEEDED = 'HEYGEN_DEADLINE';

/** The error a request is aborted with when its total deadline passes. */
export class DeadlineError extends Error {
  readonly code = DEADLINE_EXCEEDED;

  constructor(readonly deadlineMs: number) {
    super(`the request did not finish within ${deadlineMs} ms`);
    this.name = 'DeadlineError';
  }
}

/** Phrases, not strings: each is translated when a message is built, after the extension configured the bundle. */
const NETWORK_DESCRIPTIONS: Readonly<Record<string, () => string>> = {
  ECONNRESET: () => l10n.t('the connection was reset'),
  ECONNREFUSED: () => l10n.t('the connection was refused'),
  EPIPE: () => l10n.t('the connection was closed while sending'),
  ENOTFOUND: () => l10n.t('the host name was not found'),
  EAI_AGAIN: () => l10n.t('the host name could not be resolved'),
  ETIMEDOUT: () => l10n.t('the connection timed out'),
  EHOSTUNREACH: () => l10n.t('the host is unreachable'),
  ENETUNREACH: () => l10n.t('the network is unreachable'),
  UND_ERR_SOCKET: () => l10n.t('the connection was closed unexpectedly'),
  UND_ERR_CLOSED: () => l10n.t('the connection was closed unexpectedly'),
};

function networkDescription(code: string | undefined, error: unknown): string {
  // Node's own words say which certificate check failed; Node 22+ appends advice about its own command-line flags
  // after a semicolon, which a person in an editor cannot act on.
  if (isCertificateError(code)) {
    const detail = error instanceof Error ? error.message.split(/[:;]/)[0].trim() : code;
    return l10n.t('the server’s certificate is not trusted ({0})', detail);
  }
  const describe = code !== undefined && Object.hasOwn(NETWORK_DESCRIPTIONS, code) ? NETWORK_DESCRIPTIONS[code] : undefined;
  return describe ? describe() : error instanceof Error ? error.message : String(error);
}

/** The most telling `code` in an error's cause chain (undici wraps resets in UND_ERR_SOCKET, a system code is deeper). */
export function errorCode(error: unknown): string | undefined {
  let fallback: string | undefined;
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (code !== 'UND_ERR_SOCKET') {
        return code;
      }
      fallback ??= code;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return fallback;
}

/** "15 s", "0.3 s". */
export function seconds(ms: number): string {
  const s = ms / 1000;
  return l10n.t('{0} s', s >= 10 || Number.isInteger(s) ? Math.round(s) : s.toFixed(1));
}

const isIdleTimeout = (code: string | undefined): boolean => code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';

/** A short phrase for a transport failure ("the connection was reset"), for messages about any request. */
export function describeTransportFailure(error: unknown): string {
  const code = errorCode(error);
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    return l10n.t('the connection timed out');
  }
  if (isIdleTimeout(code)) {
    return l10n.t('the server stopped responding');
  }
  if (code === DEADLINE_EXCEEDED) {
    return l10n.t('it did not finish within {0}', seconds((error as DeadlineError).deadlineMs));
  }
  return networkDescription(code, error);
}

/** What {@link transportError} names in its sentences. */
export interface TransferSubject {
  /** The file being uploaded, or what the request is about. */
  fileName: string;
  url: URL;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
}

/** True for the error a cancelled request rejects with (the caller's signal, undici's abort). */
export function isAbort(error: unknown, signal?: AbortSignal): boolean {
  return signal?.aborted === true || error instanceof undiciErrors.RequestAbortedError || errorCode(error) === 'ABORT_ERR';
}

/** Maps a failed transfer of a file to a HeyGenError with a sentence a person can act on. */
export function transportError(error: unknown, req: TransferSubject, signal?: AbortSignal): HeyGenError {
  if (error instanceof HeyGenError) {
    return error;
  }
  const name = req.fileName;
  const code = errorCode(error);
  const details = { file: name, code, cause: error };
  if (code === DEADLINE_EXCEEDED) {
    const text = l10n.t('Uploading "{0}" timed out: it did not finish within {1}.', name, seconds((error as DeadlineError).deadlineMs));
    return new HeyGenError('timeout', text, details);
  }
  if (isAbort(error, signal)) {
    return new HeyGenError('cancelled', l10n.t('Uploading "{0}" was cancelled.', name), { file: name, cause: error });
  }
  if (error instanceof undiciErrors.ConnectTimeoutError || code === 'UND_ERR_CONNECT_TIMEOUT') {
    const text = l10n.t('Uploading "{0}" failed: could not connect to {1} within {2}.', name, req.url.host, seconds(req.connectTimeoutMs));
    return new HeyGenError('timeout', text, details);
  }
  if (isIdleTimeout(code)) {
    return new HeyGenError('timeout', l10n.t('Uploading "{0}" timed out: HeyGen did not respond for {1}.', name, seconds(req.idleTimeoutMs)), details);
  }
  if (code === 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH') {
    return new HeyGenError('invalidFile', changedWhileUploading(name), details);
  }
  const description = networkDescription(code, error);
  return new HeyGenError('network', l10n.t('Could not upload "{0}" to {1}: {2}.', name, req.url.host, description), details);
}

export function changedWhileUploading(fileName: string): string {
  return l10n.t('"{0}" changed while uploading; upload it again once it is saved.', fileName);
}
