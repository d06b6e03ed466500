import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { silentLogger, type Logger } from '../util/logger';
import { SUPPORTED_TYPES, type SupportedType } from './mediaKinds';
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

const TYPE_LIST = `${SUPPORTED_TYPES.slice(0, -1).map((t) => t.label).join(', ')} or ${SUPPORTED_TYPES.at(-1)!.label}`;

/** "12.3 MB" (MiB, as file managers and the setting count them). */
export function formatMegabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  const text = Number.isInteger(mb) ? String(mb) : mb.toFixed(1);
  return `${text} MB`;
}

/** "532 KB", "4.2 MB": sizes for log lines. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  if (bytes < 1024 * 1024) {
    return `${Math.round(bytes / 1024)} KB`;
  }
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function refuse(problem: FileProblem, reason: string): FileCheck {
  return { valid: false, problem, reason };
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
  const quoted = `"${name}"`;
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return refuse('missing', `${quoted} does not exist.`);
    }
    return refuse('unreadable', `${quoted} cannot be read (${code ?? String(error)}).`);
  }
  if (info.isDirectory()) {
    return refuse('notFile', `${quoted} is a folder, not a file.`);
  }
  if (!info.isFile()) {
    return refuse('notFile', `${quoted} is not a regular file.`);
  }
  if (info.size === 0) {
    return refuse('empty', `${quoted} is empty.`);
  }
  if (info.size > options.maxBytes) {
    return refuse('tooLarge', `${quoted} is ${formatMegabytes(info.size)}, over the ${formatMegabytes(options.maxBytes)} limit.`);
  }
  let head: Uint8Array;
  try {
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(Math.min(SNIFF_BYTES, info.size));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? String(error));
    return refuse('unreadable', `${quoted} cannot be read (${why}).`);
  }
  const nameType = typeFromName(name);
  const type = sniffType(head);
  if (!type) {
    return refuse(
      'unsupported',
      nameType
        ? `${quoted} is named like a ${nameType.label} file, but its content is not ${nameType.label} or any other supported type (${TYPE_LIST}).`
        : `${quoted} is not a supported type (${TYPE_LIST}).`,
    );
  }
  const mislabelled = nameType !== undefined && nameType.mime !== type.mime;
  if (mislabelled) {
    log.warn(`${quoted} is named like ${nameType.label} but its content is ${type.label}; sending it as ${type.mime}.`);
  } else if (!nameType) {
    log.info(`${quoted} has no supported extension; its content is ${type.label}, sending it as ${type.mime}.`);
  }
  return {
    valid: true,
    file: { path, name, size: info.size, type, mislabelled, nameType, mtimeMs: info.mtimeMs },
  };
}
