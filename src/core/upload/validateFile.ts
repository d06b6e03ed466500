import { constants, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import * as l10n from '@vscode/l10n';
import { basename } from 'node:path';
import { silentLogger, type Logger } from '../log/logger';
import { supportedTypeList, type SupportedType } from './mediaKinds';
import { SNIFF_BYTES, sniffType, typeFromName } from './sniffContent';

export interface LocalFile {
  path: string;
  /** Display name (the base name). */
  name: string;
  size: number;
  /** The type the content shows; it is what the file is sent as. */
  type: SupportedType;
  /** True when the name claims a different supported type than the content. */
  mislabelled: boolean;
  /** The type the name claims, when it claims a supported one. */
  nameType?: SupportedType;
  /** Modification time when validated, to notice a file changing during upload. */
  mtimeMs: number;
}

export type FileProblem = 'missing' | 'notFile' | 'empty' | 'tooLarge' | 'unsupported' | 'unreadable';

export type FileCheck = { valid: true; file: LocalFile } | { valid: false; reason: string; problem: FileProblem };

/** "12.3 MB" (MiB, as file managers and the setting count them). */
export function formatMegabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  const text = Number.isInteger(mb) ? String(mb) : mb.toFixed(1);
  return l10n.t('{0} MB', text);
}

/** "512 B", "1.5 KB", "10 MB" (binary multiples, at most one decimal): log lines and tooltips. */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) {
    return `${Math.max(0, Math.round(bytes || 0))} B`;
  }
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const rounded = value >= 100 ? Math.round(value).toString() : (Math.round(value * 10) / 10).toString();
  return `${rounded} ${units[unit]}`;
}

function refuse(problem: FileProblem, reason: string): FileCheck {
  return { valid: false, problem, reason };
}

function refusalFor(info: Stats, name: string, maxBytes: number): FileCheck | undefined {
  if (info.isDirectory()) {
    return refuse('notFile', l10n.t('"{0}" is a folder, not a file.', name));
  }
  if (!info.isFile()) {
    return refuse('notFile', l10n.t('"{0}" is not a regular file.', name));
  }
  if (info.size === 0) {
    return refuse('empty', l10n.t('"{0}" is empty.', name));
  }
  if (info.size > maxBytes) {
    return refuse('tooLarge', l10n.t('"{0}" is {1}, over the {2} limit.', name, formatMegabytes(info.size), formatMegabytes(maxBytes)));
  }
  return undefined;
}

/**
 * Checks a local file before any byte is sent: it exists, is a regular file, is not empty, is within `maxBytes`,
 * and its content is one of the six supported types. The content decides the type; the name only tells whether the
 * file is mislabelled.
 */
export async function validateFile(
  path: string,
  options: { maxBytes: number; log?: Logger; displayName?: string },
): Promise<FileCheck> {
  const log = options.log ?? silentLogger;
  const name = options.displayName ?? basename(path);
  // Opened while the stat runs: each file-system call is a round trip to Node's thread pool, and before the first
  // byte of an upload goes out these round trips are most of the wait (an idle pool takes long to wake). Non-blocking,
  // so that a named pipe (refused once the stat says what it is) cannot hold a pool thread waiting for a writer.
  const opening = open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  opening.catch(() => undefined);
  const closeUnread = (): void => void opening.then((handle) => handle.close(), () => undefined);
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    closeUnread();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return refuse('missing', l10n.t('"{0}" does not exist.', name));
    }
    return refuse('unreadable', l10n.t('"{0}" cannot be read ({1}).', name, code ?? String(error)));
  }
  const refusal = refusalFor(info, name, options.maxBytes);
  if (refusal) {
    closeUnread();
    return refusal;
  }
  let head: Uint8Array;
  try {
    const handle = await opening;
    try {
      const buffer = Buffer.alloc(Math.min(SNIFF_BYTES, info.size));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      // Not awaited: nothing waits on the close.
      void handle.close().catch(() => undefined);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' || code === 'EPERM' ? l10n.t('permission denied') : (code ?? String(error));
    return refuse('unreadable', l10n.t('"{0}" cannot be read ({1}).', name, why));
  }
  const nameType = typeFromName(name);
  const type = sniffType(head);
  if (!type) {
    return refuse(
      'unsupported',
      nameType
        ? l10n.t('"{0}" is named like a {1} file, but its content is not {1} or any other supported type ({2}).', name, nameType.label, supportedTypeList())
        : l10n.t('"{0}" is not a supported type ({1}).', name, supportedTypeList()),
    );
  }
  const mislabelled = nameType !== undefined && nameType.mime !== type.mime;
  if (mislabelled) {
    log.warn(`"${name}" is named like ${nameType.label} but its content is ${type.label}; sending it as ${type.mime}.`);
  } else if (!nameType) {
    log.info(`"${name}" has no supported extension; its content is ${type.label}, sending it as ${type.mime}.`);
  }
  return {
    valid: true,
    file: { path, name, size: info.size, type, mislabelled, nameType, mtimeMs: info.mtimeMs },
  };
}
