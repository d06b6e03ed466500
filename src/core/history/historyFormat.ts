/**
 * The history file's format: one JSON document, `{"version":1,"assets":[...]}`, one entry per line. New entries are
 * appended in place (see appendText) instead of rewriting the whole file, so adding to a long history costs the
 * size of the entry, not of the history; the file stays valid JSON after every append, so windows of older
 * releases still read it. Also here: validation, reading with recovery from an interrupted append, and moving a
 * file whose content does not parse aside.
 */
import { randomUUID } from 'node:crypto';
import type { Stats } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as l10n from '@vscode/l10n';
import type { AssetRecord } from '../base/assetRecord';
import { silentLogger, type Logger } from '../base/logger';
import { errorMessage } from '../base/errorMessage';

export const HISTORY_FORMAT_VERSION = 1;

const HEADER = `{"version":${HISTORY_FORMAT_VERSION},"assets":[\n`;
/** How every file this format writes ends when it has entries; an append overwrites the last 3 bytes (`]}\n`). */
const TAIL = '\n]}\n';
const APPEND_AT_END = ']}\n'.length;

/**
 * One entry per line, each line after the first starting with its comma: an append then only adds bytes after the
 * last entry's line, and any prefix of an interrupted append leaves every earlier line intact (parseHistory).
 */
export function serialize(assets: readonly AssetRecord[]): string {
  if (assets.length === 0) {
    return `{"version":${HISTORY_FORMAT_VERSION},"assets":[]}\n`;
  }
  return `${HEADER}${assets.map((a, i) => (i === 0 ? '' : ',') + JSON.stringify(a)).join('\n')}${TAIL}`;
}

/** The bytes that go at `size - APPEND_AT_END` of a file that ends with TAIL to add `assets` to it. */
export function appendText(assets: readonly AssetRecord[]): string {
  return `${assets.map((a) => `,${JSON.stringify(a)}`).join('\n')}${TAIL}`;
}

/** Whether `text` ends the way appendText needs (this release's files and older releases' files with entries). */
export function isAppendable(text: string): boolean {
  return text.startsWith(HEADER) && text.endsWith(`}${TAIL}`);
}

export type ParsedHistory =
  /** `torn`: an interrupted append was cut off (the entries before it are kept); a writer rewrites the file. */
  | { records: AssetRecord[]; torn?: string }
  /** Written by a newer release: shown read-only, never rewritten or moved aside by this one. */
  | { records: AssetRecord[]; newerVersion: number }
  | { error: string };

/**
 * Parses the file's text into entries, newest first; malformed entries are dropped (and logged), a malformed
 * file is an error, a file of a newer format version is read as far as its entries validate.
 */
export function parseHistory(text: string, log: Logger = silentLogger): ParsedHistory {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const recovered = recoverTornAppend(text, log);
    return recovered ?? { error: `invalid JSON: ${errorMessage(err)}` };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { error: 'not a JSON object' };
  }
  const { version, assets } = data as { version?: unknown; assets?: unknown };
  if (typeof version === 'number' && Number.isInteger(version) && version > HISTORY_FORMAT_VERSION) {
    return { records: Array.isArray(assets) ? validEntries(assets, log) : [], newerVersion: version };
  }
  if (version !== HISTORY_FORMAT_VERSION) {
    return { error: `unsupported format version ${JSON.stringify(version)}` };
  }
  if (!Array.isArray(assets)) {
    return { error: '"assets" is not an array' };
  }
  return { records: validEntries(assets, log) };
}

function validEntries(assets: readonly unknown[], log: Logger): AssetRecord[] {
  const records: AssetRecord[] = [];
  for (let i = 0; i < assets.length; i++) {
    const entry: unknown = assets[i];
    const problem = validateRecord(entry);
    if (problem) {
      log.warn(`History: dropped entry #${i}${idOf(entry)}: ${problem}.`);
    } else {
      records.push(entry as AssetRecord);
    }
  }
  // Appended entries sit at the end; TimSort makes this linear for a file that is newest first but for them.
  return isSortedDesc(records) ? records : records.sort((a, b) => b.uploadedAt - a.uploadedAt);
}

/**
 * An append cut off by a crash (or read while it is being written) leaves the file's lines intact up to the last
 * complete entry and something unparseable after it. Only a file in this format's layout is recovered this way.
 */
function recoverTornAppend(text: string, log: Logger): ParsedHistory | undefined {
  if (!text.startsWith(HEADER)) {
    return undefined;
  }
  const lines = text.slice(HEADER.length).split('\n');
  const assets: unknown[] = [];
  let cut = -1;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    if (line.startsWith(',')) {
      line = line.slice(1);
    }
    if (line.endsWith(',')) {
      line = line.slice(0, -1);
    }
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      entry = undefined;
    }
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      cut = i;
      break;
    }
    assets.push(entry);
  }
  if (cut < 0 || assets.length === 0) {
    return undefined;
  }
  const torn = `an interrupted write left ${lines.length - cut} unreadable line(s) after entry #${assets.length - 1}`;
  return { records: validEntries(assets, log), torn };
}

/** Why `value` is not a valid AssetRecord, or undefined when it is. */
export function validateRecord(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'not an object';
  }
  const r = value as Record<string, unknown>;
  if (typeof r.id !== 'string' || r.id === '') {
    return 'missing id';
  }
  if (typeof r.name !== 'string') {
    return 'missing name';
  }
  if (r.fileType !== 'image' && r.fileType !== 'video' && r.fileType !== 'audio') {
    return `unknown fileType ${JSON.stringify(r.fileType)}`;
  }
  if (typeof r.mime !== 'string') {
    return 'missing mime';
  }
  if (typeof r.url !== 'string' || r.url === '') {
    return 'missing url';
  }
  if (r.imageKey !== null && typeof r.imageKey !== 'string') {
    return 'imageKey is neither a string nor null';
  }
  if (!isFiniteNumber(r.createdTs)) {
    return 'createdTs is not a number';
  }
  if (r.heygenName !== undefined && typeof r.heygenName !== 'string') {
    return 'heygenName is not a string';
  }
  if (r.sourcePath !== undefined && typeof r.sourcePath !== 'string') {
    return 'sourcePath is not a string';
  }
  if (r.sourceUrl !== undefined && typeof r.sourceUrl !== 'string') {
    return 'sourceUrl is not a string';
  }
  if (!isFiniteNumber(r.size) || r.size < 0) {
    return 'size is not a non-negative number';
  }
  if (typeof r.sha256 !== 'string') {
    return 'missing sha256';
  }
  if (!isFiniteNumber(r.uploadedAt)) {
    return 'uploadedAt is not a number';
  }
  if (typeof r.keyFingerprint !== 'string') {
    return 'missing keyFingerprint';
  }
  if (r.api !== undefined && r.api !== 'v1' && r.api !== 'v3') {
    return `unknown api ${JSON.stringify(r.api)}`;
  }
  return undefined;
}

/** Which file content a window last read or wrote: a different stat means another writer changed it. */
export interface FileIdentity {
  ino: number;
  size: number;
  mtimeMs: number;
}

export type DiskState =
  | { kind: 'missing' }
  | { kind: 'ok'; records: AssetRecord[]; identity: FileIdentity; appendable: boolean; torn?: string }
  | { kind: 'newer'; records: AssetRecord[]; identity: FileIdentity; version: number }
  /** The content does not parse: set aside (quarantine) so the history can start again. */
  | { kind: 'corrupt'; reason: string }
  /**
   * The file could not be read (EACCES, EPERM, EMFILE, EBUSY, …): its content is unknown, so it is left as it is,
   * never set aside nor overwritten, and read again later.
   */
  | { kind: 'unreadable'; code: string; reason: string };

export const identityOf = (stat: Stats): FileIdentity => ({ ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs });

export function sameIdentity(a: FileIdentity | undefined, b: FileIdentity | undefined): boolean {
  return a !== undefined && b !== undefined && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

export async function readHistoryFile(file: string, log: Logger): Promise<DiskState> {
  let text: string;
  let stat: Stats;
  try {
    const handle = await fs.open(file, 'r');
    try {
      stat = await handle.stat();
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      return { kind: 'missing' };
    }
    // An I/O error says nothing about the content: only content that does not parse is corrupt.
    return { kind: 'unreadable', code: typeof code === 'string' ? code : 'EIO', reason: errorMessage(err) };
  }
  const parsed = parseHistory(text, log);
  if ('error' in parsed) {
    return { kind: 'corrupt', reason: parsed.error };
  }
  if ('newerVersion' in parsed) {
    return { kind: 'newer', records: parsed.records, identity: identityOf(stat), version: parsed.newerVersion };
  }
  return {
    kind: 'ok',
    records: parsed.records,
    identity: identityOf(stat),
    appendable: parsed.torn === undefined && isAppendable(text),
    ...(parsed.torn === undefined ? {} : { torn: parsed.torn }),
  };
}

/** Replaces the file atomically; `beforeRename` may veto the replacement at the last moment by throwing. */
export async function writeAtomic(file: string, text: string, beforeRename?: () => Promise<void>): Promise<FileIdentity> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}-${randomUUID().slice(0, 8)}.tmp`;
  try {
    const handle = await fs.open(temp, 'w');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await beforeRename?.();
    await fs.rename(temp, file);
  } catch (err) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw err;
  }
  return identityOf(await fs.stat(file));
}

/**
 * Adds entries to a file known (by `expected`, under the lock) to end the way appendText needs. Not atomic, but
 * safe: a crash part-way leaves the earlier entries readable (recoverTornAppend) and the caller was never told the
 * new ones were saved, because that happens only after the data reached the disk.
 */
export async function appendInPlace(file: string, expected: FileIdentity, assets: readonly AssetRecord[]): Promise<FileIdentity> {
  const handle = await fs.open(file, 'r+');
  try {
    const before = identityOf(await handle.stat());
    if (!sameIdentity(before, expected)) {
      throw new Error(l10n.t('the history file changed while it was being saved'));
    }
    const bytes = Buffer.from(appendText(assets), 'utf8');
    let written = 0;
    while (written < bytes.length) {
      const { bytesWritten } = await handle.write(bytes, written, bytes.length - written, before.size - APPEND_AT_END + written);
      written += bytesWritten;
    }
    await handle.datasync();
    return identityOf(await handle.stat());
  } finally {
    await handle.close();
  }
}

const backupName = (file: string): string => `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;

/**
 * Before a writer rewrites a file it could read only in part (recoverTornAppend), a copy is kept: what looked like
 * an interrupted append could also be damage in the middle, and the lines after it would be gone otherwise.
 */
export async function keepCopy(file: string, reason: string, log: Logger): Promise<void> {
  const backup = backupName(file);
  await fs.copyFile(file, backup);
  log.warn(`History: ${file} was read only in part (${reason}); a copy was kept as ${backup} and the file is written whole again.`);
}

/** Keeps a store whose content does not parse as a backup next to it, so nothing is silently thrown away. */
export async function quarantine(file: string, reason: string, log: Logger): Promise<void> {
  const backup = backupName(file);
  try {
    await fs.rename(file, backup);
    log.warn(`History: ${file} could not be read (${reason}); it was kept as ${backup} and the history starts empty.`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return;
    }
    log.warn(`History: ${file} could not be read (${reason}) nor moved aside (${errorMessage(err)}); the history starts empty.`);
    throw err;
  }
}

export function isSortedDesc(assets: readonly AssetRecord[]): boolean {
  for (let i = 1; i < assets.length; i++) {
    if (assets[i - 1].uploadedAt < assets[i].uploadedAt) {
      return false;
    }
  }
  return true;
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function idOf(entry: unknown): string {
  const id = (entry as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? ` (id ${id})` : '';
}

