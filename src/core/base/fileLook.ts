import type { Stats } from 'node:fs';
import { lstat, realpath } from 'node:fs/promises';
import * as path from 'node:path';
import type { FileStamp } from './validateFile';

/** A local path as found without opening anything: lstat, and a link followed to the real path it leads to. */
export type FileLook =
  | { kind: 'file'; realPath: string; stamp: FileStamp }
  | { kind: 'directory'; realPath: string }
  | { kind: 'other' }
  | { kind: 'missing' }
  | { kind: 'unreadable'; code: string };

/**
 * What `file` is, without opening it: only a regular file (after links) is a `file`. A named pipe, a device or a
 * socket is `other`, and never opened or read by whoever asked.
 */
export async function lookAt(file: string): Promise<FileLook> {
  let real = file;
  let info: Stats;
  try {
    info = await lstat(file);
    if (info.isSymbolicLink()) {
      real = await realpath(file);
      info = await lstat(real);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP' ? { kind: 'missing' } : { kind: 'unreadable', code: code ?? String(error) };
  }
  if (info.isDirectory()) {
    return { kind: 'directory', realPath: real };
  }
  if (!info.isFile()) {
    return { kind: 'other' };
  }
  return { kind: 'file', realPath: real, stamp: { size: info.size, mtimeMs: info.mtimeMs } };
}

/** Whether the file at `realPath` is still the version `stamp` names: 'gone', 'changed', or undefined when it is. */
export async function changedSince(realPath: string, stamp: FileStamp): Promise<'gone' | 'changed' | undefined> {
  let now: Stats;
  try {
    now = await lstat(realPath);
  } catch {
    return 'gone';
  }
  return !now.isFile() || now.size !== stamp.size || now.mtimeMs !== stamp.mtimeMs ? 'changed' : undefined;
}

/** Folders as real paths (links resolved), to place real file paths in or out of them. */
export async function realRoots(folders: readonly string[]): Promise<string[]> {
  return Promise.all(folders.map((folder) => realpath(folder).catch(() => folder)));
}

/** Whether `file` lies in one of `roots` (all real paths); case-insensitive where the file system usually is. */
export function isWithin(file: string, roots: readonly string[], platform: NodeJS.Platform = process.platform): boolean {
  const fold = (p: string): string => (platform === 'win32' || platform === 'darwin' ? p.toLowerCase() : p);
  const pathApi = platform === 'win32' ? path.win32 : path.posix;
  return roots.some((root) => {
    const relative = pathApi.relative(fold(root), fold(file));
    return relative === '' || (!relative.startsWith('..') && !pathApi.isAbsolute(relative));
  });
}
