import { fileURLToPath } from 'node:url';
import * as path from 'node:path';

/** One entry of a dropped or pasted `text/uri-list`. */
export type DroppedEntry =
  | { kind: 'file'; path: string; name: string }
  | { kind: 'web'; url: string };

/** The URIs of a `text/uri-list` (RFC 2483): one per line, lines starting with '#' are comments. */
export function uriListLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'));
}

/**
 * What each line of a `text/uri-list` points at, for this extension host: a local file (`file:`, or
 * `vscode-remote:` in a remote window, where the explorer names this host's own files that way) or a web address
 * (an image dragged from a page). Anything else (`untitled:`, `vscode-notebook-cell:`, not a URI at all) is left out.
 */
export function parseUriList(text: string): DroppedEntry[] {
  const entries: DroppedEntry[] = [];
  for (const line of uriListLines(text)) {
    let url: URL;
    try {
      url = new URL(line);
    } catch {
      continue; // Not a URI: nothing of ours.
    }
    const file = localPath(url);
    if (file !== undefined) {
      entries.push({ kind: 'file', path: file, name: path.basename(file) });
    } else if (url.protocol === 'https:' || url.protocol === 'http:') {
      entries.push({ kind: 'web', url: url.href });
    }
  }
  return entries;
}

function localPath(url: URL): string | undefined {
  try {
    if (url.protocol === 'file:') {
      return fileURLToPath(url);
    }
    if (url.protocol === 'vscode-remote:') {
      return path.normalize(decodeURIComponent(url.pathname));
    }
  } catch {
    // A file URI this platform cannot map (another host's, a malformed escape).
  }
  return undefined;
}

/**
 * A dropped file's name as a plain base name, safe to create in a folder of ours: no directories, no characters
 * that file systems refuse, never empty, `.` or `..`.
 */
export function safeFileName(name: string): string {
  const base = [...path.basename(name.replace(/\\/g, '/'))].map((c) => (c < ' ' || '<>:"|?*'.includes(c) ? '_' : c)).join('');
  return base && base !== '.' && base !== '..' ? base : 'dropped-file';
}
