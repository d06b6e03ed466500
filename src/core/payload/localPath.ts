import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What a reference's value looks like: nothing yet, a web address, a file on this machine, or an asset id. */
export type ValueKind = 'empty' | 'url' | 'localPath' | 'id';

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const WINDOWS_DRIVE = /^[a-z]:[\\/]/i;
/** A file name's extension: `sample.jpg`. Asset ids and URLs' last segments are told apart before this is asked. */
const FILE_EXTENSION = /\.[a-z0-9]{2,5}$/i;

/**
 * Asset ids are opaque words (`a1b2c3…`, `c1f6…_8e`); a path has a separator, a leading dot or tilde, a drive, a
 * `file:` scheme, or at least a file extension (`sample.jpg` next to the payload).
 */
export function classifyValue(value: string): ValueKind {
  const v = value.trim();
  if (v === '') {
    return 'empty';
  }
  if (WINDOWS_DRIVE.test(v)) {
    return 'localPath';
  }
  if (SCHEME.test(v)) {
    return /^file:/i.test(v) ? 'localPath' : 'url';
  }
  if (v.startsWith('.') || v.startsWith('~') || v.includes('/') || v.includes('\\') || FILE_EXTENSION.test(v)) {
    return 'localPath';
  }
  return 'id';
}

/**
 * The absolute path a local reference names: relative to the payload's folder, absolute as written, `~/` from the
 * home folder, or a `file:` URL. Undefined when it is relative and the payload has no folder (an untitled editor),
 * or the `file:` URL is malformed.
 */
export function resolveLocalPath(value: string, documentDir: string | undefined, home: string = os.homedir()): string | undefined {
  const v = value.trim();
  if (/^file:/i.test(v)) {
    try {
      return fileURLToPath(v);
    } catch {
      return undefined;
    }
  }
  if (v === '~' || v.startsWith('~/') || v.startsWith('~\\')) {
    return path.join(home, v.slice(1));
  }
  if (path.isAbsolute(v) || WINDOWS_DRIVE.test(v)) {
    return path.normalize(v);
  }
  return documentDir === undefined ? undefined : path.resolve(documentDir, v);
}
