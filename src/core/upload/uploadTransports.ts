/**
 * A transport per API version: how a checked file's bytes reach HeyGen and become an asset. v1 sends the raw body to
 * `heygen.uploadUrl`; v3 sends a multipart form up to 32 MB and HeyGen's direct upload beyond.
 */
import * as l10n from '@vscode/l10n';
import { sha256File } from '../base/contentHash';
import { HeyGenError } from '../base/heygenError';
import type { Logger } from '../base/logger';
import type { LocalFile, OpenedFile } from '../base/validateFile';
import type { HttpSettings } from '../http/httpClient';
import type { UploadedAsset } from '../heygen/uploadedAsset';
import { postFile } from '../heygen/v1Upload';
import type { V3Endpoint } from '../heygen/v3Client';
import { V3_MULTIPART_MAX_BYTES, directUpload, postMultipart } from '../heygen/v3Upload';

export interface TransportContext {
  /** The content's SHA-256 when the reuse check hashed it already (then the bytes are not hashed again). */
  knownSha256?: string;
  /** The validated file still open with its first chunk read; the first attempt takes it. */
  opened?: OpenedFile;
  signal?: AbortSignal;
  onProgress: (sent: number, total: number) => void;
  log: Logger;
  retrying: <T>(attempt: () => Promise<T>) => Promise<T>;
}

export type Transport = (file: LocalFile, context: TransportContext) => Promise<{ asset: UploadedAsset; sha256?: string }>;

/** Where a transport sends: the endpoint, the key and the HTTP settings (timeouts, proxy routing). */
export interface TransportTarget extends HttpSettings {
  endpoint: URL;
  apiKey: string;
}

export function cancelled(name?: string): HeyGenError {
  return new HeyGenError('cancelled', name ? l10n.t('Uploading "{0}" was cancelled.', name) : l10n.t('The upload was cancelled.'), { file: name });
}

/** v1: the raw body to `heygen.uploadUrl`, retried as a whole. */
export function v1Transport(target: TransportTarget): Transport {
  return (file, context) =>
    context.retrying(() =>
      postFile({
        url: target.endpoint,
        apiKey: target.apiKey,
        path: file.path,
        size: file.size,
        contentType: file.type.mime,
        fileName: file.name,
        connectTimeoutMs: target.connectTimeoutMs,
        idleTimeoutMs: target.idleTimeoutMs,
        routing: target.routing,
        signal: context.signal,
        onProgress: context.onProgress,
        log: context.log,
        // Not hashed on the way out: on a machine whose cores are busy with the transfer (loopback, two cores) the
        // hash would delay HeyGen's answer by its full CPU time. uploadChecked hashes after the answer.
        hash: false,
        first: context.opened?.take(),
      }),
    );
}

/** v3: multipart through the API up to 32 MB; beyond, a direct upload (which needs the checksum first). */
export function v3Transport(target: TransportTarget): Transport {
  const v3: V3Endpoint = {
    apiBaseUrl: target.endpoint.toString(),
    apiKey: target.apiKey,
    connectTimeoutMs: target.connectTimeoutMs,
    idleTimeoutMs: target.idleTimeoutMs,
    routing: target.routing,
  };
  return async (file, context) => {
    const v3File = { path: file.path, name: file.name, size: file.size, mime: file.type.mime, kind: file.type.kind };
    const endpointWithLog = { ...v3, log: context.log };
    if (file.size <= V3_MULTIPART_MAX_BYTES) {
      return context.retrying(() =>
        postMultipart(endpointWithLog, v3File, {
          signal: context.signal,
          onProgress: context.onProgress,
          log: context.log,
          // As for v1: hashed after the answer (uploadChecked), not on the way out.
          hash: false,
          first: context.opened?.take(),
        }),
      );
    }
    // A direct upload hashes the whole file first and sends it in a later request: the early read is of no use.
    context.opened?.close();
    let sha256 = context.knownSha256;
    if (sha256 === undefined) {
      try {
        sha256 = await sha256File(file.path, context.signal);
      } catch (error) {
        if (context.signal?.aborted) {
          throw cancelled(file.name);
        }
        throw new HeyGenError('invalidFile', l10n.t('"{0}" cannot be read: {1}.', file.name, (error as Error).message), { file: file.name, cause: error });
      }
    }
    const asset = await directUpload(endpointWithLog, v3File, sha256, {
      signal: context.signal,
      onProgress: context.onProgress,
      log: context.log,
      retrying: context.retrying,
    });
    return { asset, sha256 };
  };
}
