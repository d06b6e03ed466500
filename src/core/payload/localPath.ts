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

/** Windows' reserved device names, which name a device in any folder and with any extension (`C:\media\nul.png`). */
const WINDOWS_DEVICE_NAME = /^(con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3]|conin\$|conout\$)(\.[^\\/]*)?$/i;

/**
 * A path a payload may name but that is never read: a UNC path (`\\server\share\…`, `//server/share/…`, which
 * Windows opens by connecting to that server with the person's credentials), a Win32 device namespace path
 * (`\\.\…`, `\\?\…`), a `file:` URL naming a host, or on Windows a reserved device name (NUL, CON, COM1, …).
 */
export function isNetworkOrDevicePath(value: string, platform: NodeJS.Platform = process.platform): boolean {
  const v = value.trim();
  if (/^[\\/]{2}/.test(v) || /^file:\/\/(?!\/|localhost\/)/i.test(v)) {
    return true;
  }
  if (platform !== 'win32') {
    return false;
  }
  const last = v.split(/[\\/]/).pop() ?? '';
  return WINDOWS_DEVICE_NAME.test(last.replace(/[. ]+$/, ''));
}

/**
 * The absolute path a local reference names: relative to the payload's folder, absolute as written, `~/` from the
 * home folder, or a `file:` URL. Undefined when it is relative and the payload has no folder (an untitled editor),
 * or the `file:` URL is malformed.
 */
export function resolveLocalPath(value: string, documentDir: string | undefined, home?: string): string | undefined {
  const v = value.trim();
  if (/^file:/i.test(v)) {
    try {
      return fileURLToPath(v);
    } catch {
      return undefined;
    }
  }
  if (v === '~' || v.startsWith('~/') || v.startsWith('~\\')) {
    // Asked only here: os.homedir() on every reference was a tenth of a problems pass over a long payload.
    return path.join(home ?? os.homedir(), v.slice(1));
  }
  if (path.isAbsolute(v) || WINDOWS_DRIVE.test(v)) {
    return path.normalize(v);
  }
  return documentDir === undefined ? undefined : path.resolve(documentDir, v);
}
