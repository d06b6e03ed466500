/**
 * The catalogue's cache file in global storage: one file per API key and base URL (named by a one-way hash of both,
 * so neither is readable from the name), holding the last complete listing of looks and voices in rows rather than
 * objects (5,000 looks and 2,000 voices load in a few milliseconds). Written whole and renamed into place.
 */
import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Logger } from '../base/logger';
import { sharedEngines, type AvatarLook } from '../heygen/avatarsApi';
import type { Voice } from '../heygen/voicesApi';

export const CATALOG_CACHE_VERSION = 1;

type Text = string | null;
/** id, name, gender, avatar type, group id, preview image, preview video, default voice, engines (index), status. */
type LookRow = [string, string, Text, Text, Text, Text, Text, Text, number, Text];
/** id, name, language, gender, preview audio, type (1 = private). */
type VoiceRow = [string, string, Text, Text, Text, 0 | 1];

interface CacheFile {
  version: number;
  owner: string;
  fetchedAt: number;
  engines: string[][];
  looks: LookRow[];
  voices: VoiceRow[];
}

/** A complete listing as the catalogue keeps it. */
export interface CatalogListing {
  looks: AvatarLook[];
  voices: Voice[];
  /** When the listing started (ms). */
  fetchedAt: number;
}

/** The cache file of one owner (a key fingerprint and a base URL) in `dir`. */
export function cacheFileFor(dir: string, owner: string): string {
  return path.join(dir, `catalog-${createHash('sha256').update(owner).digest('hex').slice(0, 20)}.json`);
}

const orNull = (value: string | undefined): Text => value ?? null;
const orUndefined = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

export function cacheText(owner: string, listing: CatalogListing): string {
  const engines: string[][] = [];
  const engineIndex = new Map<readonly string[], number>();
  const looks = listing.looks.map((l): LookRow => {
    let e = engineIndex.get(l.engines);
    if (e === undefined) {
      e = engines.push([...l.engines]) - 1;
      engineIndex.set(l.engines, e);
    }
    return [l.id, l.name, orNull(l.gender), orNull(l.avatarType), orNull(l.groupId), orNull(l.previewImageUrl), orNull(l.previewVideoUrl), orNull(l.defaultVoiceId), e, orNull(l.status)];
  });
  const voices = listing.voices.map((v): VoiceRow => [v.id, v.name, orNull(v.language), orNull(v.gender), orNull(v.previewAudioUrl), v.type === 'private' ? 1 : 0]);
  const data: CacheFile = { version: CATALOG_CACHE_VERSION, owner, fetchedAt: listing.fetchedAt, engines, looks, voices };
  return JSON.stringify(data);
}

/** The cached listing of `owner`, or undefined (with a warning when the file is damaged or of another version). */
export function parseCacheText(text: string, owner: string, log: Logger): CatalogListing | undefined {
  let data: Partial<CacheFile>;
  try {
    data = JSON.parse(text) as Partial<CacheFile>;
  } catch (error) {
    log.warn(`Avatar and voice cache is not valid JSON (${String(error)}); listing afresh when needed.`);
    return undefined;
  }
  if (typeof data !== 'object' || data === null || data.version !== CATALOG_CACHE_VERSION || !Array.isArray(data.looks) || !Array.isArray(data.voices)) {
    log.warn('Avatar and voice cache has an unknown format; listing afresh when needed.');
    return undefined;
  }
  if (data.owner !== owner || typeof data.fetchedAt !== 'number') {
    return undefined;
  }
  const engines = (Array.isArray(data.engines) ? data.engines : []).map((list) => sharedEngines(Array.isArray(list) ? list.filter((e) => typeof e === 'string') : []));
  const none = sharedEngines([]);
  const looks: AvatarLook[] = [];
  for (const row of data.looks) {
    if (!Array.isArray(row) || typeof row[0] !== 'string' || row[0] === '') {
      continue;
    }
    looks.push({
      id: row[0],
      name: orUndefined(row[1]) ?? row[0],
      gender: orUndefined(row[2]),
      avatarType: orUndefined(row[3]),
      groupId: orUndefined(row[4]),
      previewImageUrl: orUndefined(row[5]),
      previewVideoUrl: orUndefined(row[6]),
      defaultVoiceId: orUndefined(row[7]),
      engines: engines[row[8]] ?? none,
      status: orUndefined(row[9]),
    });
  }
  const voices: Voice[] = [];
  for (const row of data.voices) {
    if (!Array.isArray(row) || typeof row[0] !== 'string' || row[0] === '') {
      continue;
    }
    voices.push({
      id: row[0],
      name: orUndefined(row[1]) ?? row[0],
      language: orUndefined(row[2]),
      gender: orUndefined(row[3]),
      previewAudioUrl: orUndefined(row[4]),
      type: row[5] === 1 ? 'private' : 'public',
    });
  }
  return { looks, voices, fetchedAt: data.fetchedAt };
}

/** Reads the cache file; a missing or unreadable file is no cache. Never contacts HeyGen. */
export async function readCache(file: string, owner: string, log: Logger): Promise<CatalogListing | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      log.warn(`Avatar and voice cache ${file} could not be read: ${String(error)}.`);
    }
    return undefined;
  }
  return parseCacheText(text, owner, log);
}

/** Writes the cache whole (temporary file, then rename), so a reader never sees half of it. */
export async function writeCache(file: string, text: string, log: Logger): Promise<void> {
  const temp = `${file}.${randomUUID().slice(0, 8)}.tmp`;
  try {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(temp, text);
    await fs.rename(temp, file);
  } catch (error) {
    log.warn(`Avatar and voice cache could not be written (${String(error)}); the next start lists afresh.`);
    await fs.rm(temp, { force: true }).catch(() => undefined);
  }
}
