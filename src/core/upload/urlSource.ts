/**
 * A URL as an upload's source: downloaded through the HTTP client's guarded download into a temporary file, named
 * from Content-Disposition or the URL's path, typed by its content rather than the server's Content-Type.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { silentLogger, type Logger } from '../base/logger';
import { formatSize } from '../base/sizes';
import { SNIFF_BYTES, sniffType, typeFromMime, typeFromName } from '../base/sniffContent';
import type { AddressPolicy } from '../http/addressGuard';
import { downloadToFile, shortUrl, type DownloadRequest } from '../http/download';
import type { HttpSettings } from '../http/httpClient';

export interface UrlDownload {
  path: string;
  name: string;
  size: number;
  sha256: string;
}

export interface UrlSourceOptions {
  /** The download's size limit (the upload limit). */
  maxBytes: number;
  addresses: AddressPolicy;
  signal?: AbortSignal;
  log?: Logger;
  /** Tests: name resolution and address classification (see DownloadRequest.judge). */
  judge?: DownloadRequest['judge'];
}

/** Downloads `source` into `dir` as the file an upload then validates like any local file. */
export async function downloadSource(source: URL, dir: string, settings: HttpSettings, options: UrlSourceOptions): Promise<UrlDownload> {
  const log = options.log ?? silentLogger;
  const path = join(dir, 'download');
  const fetched = await downloadToFile(settings, {
    url: source,
    path,
    maxBytes: options.maxBytes,
    addresses: options.addresses,
    signal: options.signal,
    accept: 'image/*, video/*, audio/*, */*;q=0.5',
    judge: options.judge,
    log,
  });
  let name = fetched.name;
  const sniffed = sniffType(await readHead(path));
  const claimed = fetched.contentType;
  const where = shortUrl(source);
  if (sniffed && claimed && typeFromMime(claimed)?.mime !== sniffed.mime) {
    log.warn(`${where} was served as ${claimed.split(';')[0]} but its content is ${sniffed.label}; sending it as ${sniffed.mime}.`);
  }
  if (sniffed && !typeFromName(name)) {
    name = `${name}.${sniffed.extensions[0]}`;
  }
  const via = fetched.url.href === source.href ? '' : ` (redirected to ${shortUrl(fetched.url)})`;
  log.info(`Downloaded ${where}${via} as "${name}" (${formatSize(fetched.size)}).`);
  return { path, name, size: fetched.size, sha256: fetched.sha256 };
}

async function readHead(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
