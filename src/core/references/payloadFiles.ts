/**
 * Which files may hold a payload. Payloads are found by content, not by name: every JSON/JSONC, JS/TS and Python
 * file is a candidate, and the payload scanner decides; this cheap test only skips the scan of files that cannot
 * hold one (no `video_inputs` list and no v3 `avatar`/`image` body).
 */

const LANGUAGE_BY_EXTENSION: Readonly<Record<string, string>> = {
  json: 'json',
  jsonc: 'jsonc',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascriptreact',
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'typescriptreact',
  py: 'python',
};

/** The glob of candidate files, for discovery and the file watcher. */
export const PAYLOAD_FILE_GLOB = `**/*.{${Object.keys(LANGUAGE_BY_EXTENSION).join(',')}}`;

/** The language the scanner reads a candidate file as, or undefined for a file that is no candidate. */
export function payloadLanguageOf(filePath: string): string | undefined {
  const dot = filePath.lastIndexOf('.');
  const slash = Math.max(filePath.lastIndexOf('/'), filePath.lastIndexOf('\\'));
  return dot > slash + 1 ? LANGUAGE_BY_EXTENSION[filePath.slice(dot + 1).toLowerCase()] : undefined;
}

const MAY_HOLD_PAYLOAD = /video_inputs|avatar|image/;

/** False when the text cannot hold a payload, so the scanner need not parse it. */
export function mayHoldPayload(text: string): boolean {
  return MAY_HOLD_PAYLOAD.test(text);
}

/** Files larger than this are not scanned: generated bundles and data dumps, never hand-written payloads. */
export const MAX_PAYLOAD_FILE_BYTES = 2 * 1024 * 1024;
