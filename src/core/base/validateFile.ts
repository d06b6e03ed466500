import { constants, type Stats } from 'node:fs';
import { lstat, open, realpath, type FileHandle } from 'node:fs/promises';
import * as l10n from '@vscode/l10n';
import { basename } from 'node:path';
import { silentLogger, type Logger } from './logger';
import { supportedTypeList, type SupportedType } from './mediaKinds';
import { formatMegabytes } from './sizes';
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

/** A version of a file: another size or modification time is another version (what a person approved, say). */
export interface FileStamp {
  size: number;
  mtimeMs: number;
}

/** The sentence for a file that is no longer the version the person approved. */
export function changedAfterApproval(name: string): string {
  return l10n.t('"{0}" changed after it was approved (its size or modification time differs), so it was not uploaded; ask again to upload the new version.', name);
}

export type FileProblem = 'missing' | 'notFile' | 'empty' | 'tooLarge' | 'unsupported' | 'unreadable';

/**
 * A validated file left open with its first bytes already read, so an upload sends them at once instead of opening and
 * reading the file again (two round trips to Node's thread pool before the first byte). Whoever takes it closes it;
 * `close` closes it if nobody did.
 */
export class OpenedFile {
  private taken = false;

  constructor(
    private readonly handle: FileHandle,
    /** The buffer the first bytes were read into (an upload reuses it for later chunks). */
    readonly buffer: Buffer,
    readonly bytesRead: number,
  ) {}

  /** The handle and first bytes, to the first caller only (a retry opens the file afresh). */
  take(): { handle: FileHandle; buffer: Buffer; bytesRead: number } | undefined {
    if (this.taken) {
      return undefined;
    }
    this.taken = true;
    return { handle: this.handle, buffer: this.buffer, bytesRead: this.bytesRead };
  }

  close(): void {
    if (!this.taken) {
      this.taken = true;
      void this.handle.close().catch(() => undefined);
    }
  }
}

export type FileCheck =
  | { valid: true; file: LocalFile; opened?: OpenedFile }
  | { valid: false; reason: string; problem: FileProblem };

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
  options: {
    maxBytes: number;
    log?: Logger;
    displayName?: string;
    /**
     * Keep the file open and read this many bytes up front (an upload's first chunk): a valid check then carries
     * them as `opened`, which the caller must take or close.
     */
    keepOpenWithBytes?: number;
  },
): Promise<FileCheck> {
  const log = options.log ?? silentLogger;
  const name = options.displayName ?? basename(path);
  // lstat first, and nothing is opened until it says "regular file": a named pipe, a device or a socket a payload or
  // an agent names is refused without being opened or read (reading a pipe would take a writer's data, or wait for
  // one). A symbolic link is followed to its real path, whose own lstat decides.
  let real = path;
  let info: Stats;
  try {
    info = await lstat(path);
    if (info.isSymbolicLink()) {
      real = await realpath(path);
      info = await lstat(real);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP') {
      return refuse('missing', l10n.t('"{0}" does not exist.', name));
    }
    return refuse('unreadable', l10n.t('"{0}" cannot be read ({1}).', name, code ?? String(error)));
  }
  const refusal = refusalFor(info, name, options.maxBytes);
  if (refusal) {
    return refusal;
  }
  // Non-blocking and not following a link: were the file swapped for a pipe or a link since the lstat, the open
  // cannot wait for a writer, and the handle's own stat refuses, before any byte is read, what is not the file the
  // lstat saw.
  const headBuffer = Buffer.allocUnsafe(Math.max(SNIFF_BYTES, options.keepOpenWithBytes ?? 0));
  let handle: FileHandle;
  let bytesRead: number;
  try {
    handle = await open(real, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' || code === 'EPERM' ? l10n.t('permission denied') : (code ?? String(error));
    return refuse('unreadable', l10n.t('"{0}" cannot be read ({1}).', name, why));
  }
  try {
    const opened = await handle.stat();
    if (!opened.isFile() || opened.ino !== info.ino || opened.dev !== info.dev) {
      void handle.close().catch(() => undefined);
      return refuse('notFile', l10n.t('"{0}" is not a regular file.', name));
    }
    info = opened;
    ({ bytesRead } = await handle.read(headBuffer, 0, headBuffer.length, 0));
  } catch (error) {
    void handle.close().catch(() => undefined);
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' || code === 'EPERM' ? l10n.t('permission denied') : (code ?? String(error));
    return refuse('unreadable', l10n.t('"{0}" cannot be read ({1}).', name, why));
  }
  const sizeRefusal = refusalFor(info, name, options.maxBytes);
  if (sizeRefusal) {
    void handle.close().catch(() => undefined);
    return sizeRefusal;
  }
  const head = headBuffer.subarray(0, Math.min(bytesRead, SNIFF_BYTES, info.size));
  const opened = options.keepOpenWithBytes === undefined ? undefined : new OpenedFile(handle, headBuffer, bytesRead);
  if (!opened) {
    // Not awaited: nothing waits on the close.
    void handle.close().catch(() => undefined);
  }
  const nameType = typeFromName(name);
  const type = sniffType(head);
  if (!type) {
    opened?.close();
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
    ...(opened ? { opened } : {}),
  };
}
