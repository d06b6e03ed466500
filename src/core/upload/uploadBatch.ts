import { isCertificateError } from '../http/certificateErrors';
import * as l10n from '@vscode/l10n';
import type { AssetRecord } from '../base/assetRecord';
import type { Logger } from '../base/logger';
import type { AddressPolicy } from '../http/addressGuard';
import { isRetryable } from '../http/retryPolicy';
import { withoutCredentials } from '../base/safeUrl';
import { OVER_V1_LIMIT, uploadFromUrl, uploadLocalFile, type ReuseIndex, type UploadOptions, type UploadOutcome, type UploadTarget } from './uploadEngine';
import { HeyGenError, type HeyGenErrorKind } from '../base/heygenError';
import { runQueue } from './uploadQueue';
import { errorDetail } from '../base/errorMessage';
import type { FileStamp } from '../base/validateFile';

/** One thing to upload. `ref` is the caller's handle for it (the editor's URI), handed back in the results. */
export type BatchSource<R> =
  | { kind: 'file'; ref: R; name: string; path: string; expect?: FileStamp }
  | { kind: 'url'; ref: R; name: string; url: string };

export interface BatchItemSuccess<R> {
  source: BatchSource<R>;
  record: AssetRecord;
  reused: boolean;
}

export interface BatchItemFailure<R> {
  source: BatchSource<R>;
  /** One sentence naming the file and the reason, scrubbed of secrets. */
  message: string;
  kind?: HeyGenErrorKind;
  /** Whether trying again later could help (a server or network fault, not a bad file or certificate). */
  retryable: boolean;
  /** HeyGen's page about this error (v3's `doc_url`), offered as "Open Docs". */
  docUrl?: string;
  /** API v3 would take it: v1 looks retired, or the file is over v1's size limit ("Use API v3"). */
  offerV3?: boolean;
  /** API v1 may take it: v3 answers as if it does not exist ("Use API v1"). */
  offerV1?: boolean;
}

export interface BatchOutcome<R> {
  succeeded: Array<BatchItemSuccess<R>>;
  failed: Array<BatchItemFailure<R>>;
  cancelled: boolean;
}

/** The engine as the batch calls it: the real one unless a test hands in another. */
export interface BatchEngine {
  uploadLocalFile(path: string, target: UploadTarget, options: UploadOptions): Promise<UploadOutcome>;
  uploadFromUrl(url: string, target: UploadTarget, options: UploadOptions): Promise<UploadOutcome>;
}

/** What the batch needs of the history: record new assets, find identical content uploaded before. */
export interface BatchHistory {
  add(record: AssetRecord): Promise<void>;
  findBySha256(sha256: string, keyFingerprint: string): AssetRecord | undefined;
  all(): readonly AssetRecord[];
  /** Saves the batch's entries together (HistoryStore.holdWrites): a handful of writes for 100 uploads, not 100. */
  holdWrites?(): { release(): Promise<void> };
}

export interface BatchServiceDeps {
  history: BatchHistory;
  log: Logger;
  /** Scrubs secrets (the key, a server echoing it) from a sentence before anyone shows it. */
  scrub?: (text: string) => string;
  engine?: BatchEngine;
  /**
   * Whether HeyGen still has an earlier upload of identical content (the Library's marks, and a check when one is
   * due): when false, the file is uploaded again instead of reused.
   */
  stillOnHeyGen?: (record: AssetRecord, signal?: AbortSignal) => Promise<boolean>;
}

/** One pass over the sources with one key. */
export interface BatchPass<R> {
  target: UploadTarget;
  concurrency: number;
  maxBytes: number;
  /** The size limit the person set, which v3 honours too (see UploadOptions). */
  userMaxBytes?: number;
  reuseIdenticalFiles: boolean;
  /** Upload even when identical content was uploaded before with the same key. */
  force?: boolean;
  /** Which addresses URL sources may be downloaded from (see UploadOptions.addresses). */
  addresses?: AddressPolicy;
  signal?: AbortSignal;
  onProgress?(source: BatchSource<R>, sent: number, total: number): void;
  onFinished?(source: BatchSource<R>): void;
}

const realEngine: BatchEngine = { uploadLocalFile, uploadFromUrl };

/**
 * Sources in, records and per-file failures out: runs the engine over a batch with bounded parallelism, records
 * new assets in the history and turns every failure into one sentence. The engine logs each upload; this logs
 * the batch and each failure once, with the details a person reading the log needs.
 */
export class UploadBatchService {
  private readonly engine: BatchEngine;

  constructor(private readonly deps: BatchServiceDeps) {
    this.engine = deps.engine ?? realEngine;
  }

  async run<R>(sources: ReadonlyArray<BatchSource<R>>, pass: BatchPass<R>): Promise<BatchOutcome<R>> {
    const { history, log } = this.deps;
    const reuse: ReuseIndex | undefined = pass.reuseIdenticalFiles
      ? {
          lookup: async (sha256, fingerprint, signal) => {
            const found = history.findBySha256(sha256, fingerprint);
            return found && (await this.deps.stillOnHeyGen?.(found, signal)) !== false ? found : undefined;
          },
          // Only a recorded asset of the same size can match: otherwise skip hashing up front and hash while sending.
          mayHave: (size, fingerprint) => history.all().some((r) => r.size === size && r.keyFingerprint === fingerprint),
        }
      : undefined;
    // The engine logs each file's upload (name, size, type, host); the batch names the full paths once.
    log.info(`Upload batch of ${sources.length}: ${sources.map(describeSource).join(', ')}.`);
    const hold = sources.length > 1 ? history.holdWrites?.() : undefined;
    const settled = await runQueue(
      sources,
      pass.concurrency,
      async (source, signal) => {
        const options: UploadOptions = {
          maxBytes: pass.maxBytes,
          userMaxBytes: pass.userMaxBytes,
          signal,
          reuse,
          force: pass.force === true,
          ...(source.kind === 'file' && source.expect ? { expect: source.expect } : {}),
          addresses: pass.addresses,
          log,
          onProgress: (sent, total) => pass.onProgress?.(source, sent, total),
        };
        const outcome =
          source.kind === 'file'
            ? await this.engine.uploadLocalFile(source.path, pass.target, options)
            : await this.engine.uploadFromUrl(source.url, pass.target, options);
        pass.onFinished?.(source);
        if (!outcome.reused) {
          // The asset exists on HeyGen now: a history write that fails must not turn it into a failure.
          await history.add(outcome.record).catch((error: unknown) => {
            log.warn(`Uploaded asset ${outcome.record.id} could not be saved to the history: ${detailOf(error)}`);
          });
        }
        return { record: outcome.record, reused: outcome.reused };
      },
      pass.signal,
    ).finally(() =>
      hold?.release().catch((error: unknown) => {
        log.warn(`The batch's new assets could not all be saved to the history: ${detailOf(error)}`);
      }),
    );
    const result: BatchOutcome<R> = { succeeded: [], failed: [], cancelled: pass.signal?.aborted === true };
    for (const entry of settled) {
      if (entry.ok) {
        result.succeeded.push({ source: entry.item, ...entry.value });
        continue;
      }
      const failure = this.failureOf(entry.item, entry.error);
      if (failure.kind !== 'cancelled') {
        log.error(`Upload of ${describeSource(entry.item)} failed (${failure.kind ?? 'error'}): ${detailOf(entry.error)}`);
      }
      result.failed.push(failure);
    }
    return result;
  }

  /** Every source refused with one reason (an endpoint that must not receive the key). */
  refuseAll<R>(sources: ReadonlyArray<BatchSource<R>>, message: string, kind: HeyGenErrorKind): BatchOutcome<R> {
    return { succeeded: [], failed: sources.map((source) => ({ source, message, kind, retryable: false })), cancelled: false };
  }

  private failureOf<R>(source: BatchSource<R>, error: unknown): BatchItemFailure<R> {
    const scrub = this.deps.scrub ?? ((text: string) => text);
    if (error instanceof HeyGenError) {
      // The engine's messages are already one sentence that names the file and the reason. HeyGen's own words are
      // part of it, and a server could echo the key back: scrub before anyone shows it.
      return {
        source,
        message: scrub(error.message),
        kind: error.kind,
        retryable: worthRetrying(error),
        ...(error.docUrl ? { docUrl: error.docUrl } : {}),
        ...(error.kind === 'retired' || error.code === OVER_V1_LIMIT ? { offerV3: true } : {}),
        ...(error.kind === 'v3Absent' ? { offerV1: true } : {}),
      };
    }
    return {
      source,
      message: l10n.t('Couldn’t upload "{0}": an unexpected error occurred (see the log).', source.name),
      retryable: true,
    };
  }
}

/**
 * A refused key: asks for a new one (`askForNewKey`) and runs the sources it stopped again with it (`rerun`), for
 * as long as the person gives new keys. `refusedKeyReported` tells the summary not to say it a second time.
 */
export async function recoverRefusedKey<R>(
  first: BatchOutcome<R>,
  askForNewKey: (refused: ReadonlyArray<BatchItemFailure<R>>) => Promise<string | undefined>,
  rerun: (sources: Array<BatchSource<R>>, apiKey: string) => Promise<BatchOutcome<R>>,
): Promise<{ outcome: BatchOutcome<R>; refusedKeyReported: boolean }> {
  let outcome = first;
  while (!outcome.cancelled && outcome.failed.some((f) => f.kind === 'auth')) {
    const refused = outcome.failed.filter((f) => f.kind === 'auth');
    const newKey = await askForNewKey(refused);
    if (newKey === undefined) {
      // The person has just read that the key was refused: the summary must not say it again.
      return { outcome, refusedKeyReported: true };
    }
    const retried = await rerun(
      refused.map((f) => f.source),
      newKey,
    );
    outcome = {
      succeeded: [...outcome.succeeded, ...retried.succeeded],
      failed: [...outcome.failed.filter((f) => f.kind !== 'auth'), ...retried.failed],
      cancelled: retried.cancelled,
    };
  }
  return { outcome, refusedKeyReported: false };
}

/** What the person is told about a finished batch; the adapter adds the buttons' labels and actions. */
export type BatchNotice<R> =
  | { type: 'uploaded'; message: string; success: BatchItemSuccess<R> }
  | { type: 'failed'; message: string; failure: BatchItemFailure<R>; retry: Array<BatchItemFailure<R>> }
  | {
      type: 'summary';
      severity: 'info' | 'warning';
      message: string;
      details: Array<BatchItemFailure<R>>;
      retry: Array<BatchItemFailure<R>>;
      /** Failures API v3 would fix (a v1 that looks retired): "Use API v3" switches and uploads them again. */
      useV3?: Array<BatchItemFailure<R>>;
      /** Failures API v1 may fix (a v3 that answers as if absent): "Use API v1" switches and uploads them again. */
      useV1?: Array<BatchItemFailure<R>>;
    }
  | { type: 'cancelled'; message: string; details: Array<BatchItemFailure<R>> };

export interface NoticeOptions {
  /** No success message (the caller shows the result itself, e.g. a drop into an editor). */
  quiet?: boolean;
  /** The caller cancelled (an undone drop): it already knows, and the person pressed nothing. */
  callerCancelled?: boolean;
  /** The person was already told that the key was refused. */
  refusedKeyReported?: boolean;
  /** Whether Retry may be offered at all (false when the sources are gone after the call). */
  offerRetry?: boolean;
}

/** The one notification for a batch, or none. */
export function noticeFor<R>(result: BatchOutcome<R>, options: NoticeOptions = {}): BatchNotice<R> | undefined {
  const failures = result.failed.filter((f) => f.kind !== 'cancelled');
  const retryable = options.offerRetry === false ? [] : failures.filter((f) => f.retryable);
  if (result.cancelled) {
    if (options.callerCancelled) {
      return undefined;
    }
    const message =
      failures.length > 0
        ? l10n.t('Upload cancelled. {0} uploaded and {1} failed before cancelling.', result.succeeded.length, failures.length)
        : result.succeeded.length === 0
          ? l10n.t('Upload cancelled. Nothing was uploaded.')
          : l10n.t('Upload cancelled. {0} uploaded before cancelling.', result.succeeded.length);
    return { type: 'cancelled', message, details: failures };
  }
  if (result.succeeded.length + failures.length === 1) {
    const [done] = result.succeeded;
    if (done) {
      if (options.quiet) {
        return undefined;
      }
      // The id and the URL are in the Assets row, its tooltip and the log; the sentence says what happened.
      const name = done.source.name;
      const message = done.reused ? l10n.t('"{0}" is already on HeyGen: uploaded before with this key.', name) : l10n.t('Uploaded "{0}" to HeyGen.', name);
      return { type: 'uploaded', message, success: done };
    }
    const [failure] = failures;
    if (!failure || (options.refusedKeyReported && failure.kind === 'auth')) {
      return undefined;
    }
    return { type: 'failed', message: failure.message, failure, retry: retryable };
  }
  if (failures.length === 0) {
    if (options.quiet || result.succeeded.length === 0) {
      return undefined;
    }
    return { type: 'summary', severity: 'info', message: l10n.t('{0} uploaded to HeyGen.', result.succeeded.length), details: [], retry: [] };
  }
  return {
    type: 'summary',
    severity: 'warning',
    message: l10n.t('{0} uploaded, {1} failed.', result.succeeded.length, failures.length),
    details: failures,
    retry: retryable,
    // Only a v1 that looks retired earns the button on a batch; files over v1's limit say so in their own sentence.
    useV3: failures.filter((f) => f.kind === 'retired'),
    useV1: failures.filter((f) => f.kind === 'v3Absent'),
  };
}

/**
 * Whether to offer Retry. The engine has already retried what can pass by itself; a person may still retry a host
 * that was unreachable (they may be back online), but not a certificate, a bad file or a refused request.
 */
export function worthRetrying(error: HeyGenError): boolean {
  if (isRetryable(error)) {
    return true;
  }
  return error.kind === 'network' && !isCertificateError(error.code);
}

/** How a source is named in the log: the full path or the address without credentials. */
export function describeSource(source: BatchSource<unknown>): string {
  return source.kind === 'file' ? `"${source.path}"` : `"${withoutCredentials(source.url)}"`;
}

/** Everything the log should know of a failure: the sentence, HTTP status, HeyGen's words, the cause. */
export function detailOf(error: unknown): string {
  if (error instanceof HeyGenError) {
    const parts = [error.message];
    if (error.status !== undefined) {
      parts.push(`HTTP ${error.status}`);
    }
    if (error.serverMessage) {
      parts.push(`HeyGen said: ${error.serverMessage}`);
    }
    if (error.cause instanceof Error) {
      parts.push(`cause: ${error.cause.message}`);
    }
    return parts.join('; ');
  }
  return errorDetail(error);
}

/** The name a URL source goes by before it is downloaded: its path's last segment. */
export function nameFromUrl(url: string): string {
  try {
    const last = new URL(url).pathname.split('/').filter(Boolean).pop();
    return last ? decodeURIComponent(last) : url;
  } catch {
    return url;
  }
}
