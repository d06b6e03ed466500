/**
 * The workspace index of asset references (issue 25, item 1): for each payload file, the asset ids and URLs at the
 * documented places the payload scanner finds, and the reverse map a "used in" lookup reads in constant time. Pure:
 * no file system, no network; the adapter reads files and hands their text in.
 */
import { Emitter, type Disposable } from '../base/disposable';
import { findAssetReferences } from '../payload/assetReferences';
import { lineStarts, positionAt } from './lineStarts';
import { mayHoldPayload } from './payloadFiles';

/** What a file looked like when it was scanned: a restart rescans only files whose stamp changed. */
export interface FileStamp {
  mtime: number;
  size: number;
}

/** One reference, by position (zero-based), so it can be shown without its file's text. */
export interface IndexedReference {
  /** The asset id or URL the payload names. */
  value: string;
  takes: 'url' | 'id';
  /** Where it sits in the payload: `background.url`, `voice.audio_asset_id`, … */
  path: string;
  line: number;
  character: number;
  endLine: number;
  endCharacter: number;
}

export interface FileReferences {
  file: string;
  references: readonly IndexedReference[];
}

interface FileEntry {
  stamp: FileStamp;
  references: IndexedReference[];
}

/** An asset as the views know it: its id and, for uploads, the URL a payload may name instead. */
export interface AssetKey {
  id: string;
  url?: string | null;
}

export class ReferenceIndex implements Disposable {
  private readonly entries = new Map<string, FileEntry>();
  /** Value → file → how many references in that file. */
  private readonly byValue = new Map<string, Map<string, number>>();
  /** One copy of each value and path string, so references never keep their file's whole text alive. */
  private readonly strings = new Map<string, string>();
  private readonly changed = new Emitter<readonly string[]>();
  /** The files whose references changed (added, updated, removed). */
  readonly onDidChange = this.changed.event;

  get fileCount(): number {
    return this.entries.size;
  }

  /** True when `file` was scanned with this stamp (nothing to do). */
  isCurrent(file: string, stamp: FileStamp): boolean {
    const entry = this.entries.get(file);
    return entry !== undefined && entry.stamp.mtime === stamp.mtime && entry.stamp.size === stamp.size;
  }

  stampOf(file: string): FileStamp | undefined {
    return this.entries.get(file)?.stamp;
  }

  files(): string[] {
    return [...this.entries.keys()];
  }

  /** Scans one file's text and replaces what the index knew of it. Returns whether its references changed. */
  update(file: string, stamp: FileStamp, text: string, languageId: string, notify = true): boolean {
    const references = mayHoldPayload(text) ? this.scan(text, languageId) : [];
    return this.set(file, stamp, references, notify);
  }

  /** Forgets a file (deleted, or now excluded). */
  remove(file: string, notify = true): boolean {
    const entry = this.entries.get(file);
    if (!entry) {
      return false;
    }
    this.unlink(file, entry.references);
    this.entries.delete(file);
    if (notify && entry.references.length > 0) {
      this.changed.fire([file]);
    }
    return entry.references.length > 0;
  }

  /** Tells listeners about files changed with `notify` false (a batch). */
  announce(files: readonly string[]): void {
    if (files.length > 0) {
      this.changed.fire(files);
    }
  }

  /** The files naming `value` (an id or a URL), sorted. */
  filesUsing(value: string): string[] {
    const files = this.byValue.get(value);
    return files ? [...files.keys()].sort() : [];
  }

  /** The files naming the asset by id or by URL, sorted. */
  filesUsingAsset(asset: AssetKey): string[] {
    const byId = this.byValue.get(asset.id);
    const byUrl = asset.url ? this.byValue.get(asset.url) : undefined;
    if (!byUrl) {
      return byId ? [...byId.keys()].sort() : [];
    }
    return [...new Set([...(byId?.keys() ?? []), ...byUrl.keys()])].sort();
  }

  /** How many files name the asset (the views' "used in N files"), without building the list. */
  countFilesUsing(asset: AssetKey): number {
    const byId = this.byValue.get(asset.id);
    const byUrl = asset.url ? this.byValue.get(asset.url) : undefined;
    if (!byUrl || !byId) {
      return (byId ?? byUrl)?.size ?? 0;
    }
    let count = byId.size;
    for (const file of byUrl.keys()) {
      if (!byId.has(file)) {
        count++;
      }
    }
    return count;
  }

  /** Every reference to the asset, file by file (sorted), in source order. */
  referencesTo(asset: AssetKey): FileReferences[] {
    return this.filesUsingAsset(asset).map((file) => ({
      file,
      references: (this.entries.get(file)?.references ?? []).filter((r) => r.value === asset.id || (!!asset.url && r.value === asset.url)),
    }));
  }

  /** The references of one file. */
  referencesIn(file: string): readonly IndexedReference[] {
    return this.entries.get(file)?.references ?? [];
  }

  /** Every asset id the workspace's payloads name (not URLs), for a check with HeyGen. */
  referencedIds(): string[] {
    const ids = new Set<string>();
    for (const entry of this.entries.values()) {
      for (const r of entry.references) {
        if (r.takes === 'id' && r.value !== '') {
          ids.add(r.value);
        }
      }
    }
    return [...ids];
  }

  /** The index as plain data, to persist. */
  toSnapshot(): IndexSnapshot {
    const files: IndexSnapshot['files'] = {};
    for (const [file, entry] of this.entries) {
      files[file] = {
        mtime: entry.stamp.mtime,
        size: entry.stamp.size,
        refs: entry.references.map((r) => [r.value, r.takes === 'id' ? 1 : 0, r.path, r.line, r.character, r.endLine, r.endCharacter]),
      };
    }
    return { version: SNAPSHOT_VERSION, files };
  }

  /** Restores a persisted index; anything malformed is skipped (that file is then scanned again). */
  static fromSnapshot(json: unknown): ReferenceIndex {
    const index = new ReferenceIndex();
    if (typeof json !== 'object' || json === null || (json as { version?: unknown }).version !== SNAPSHOT_VERSION) {
      return index;
    }
    const files = (json as { files?: unknown }).files;
    if (typeof files !== 'object' || files === null) {
      return index;
    }
    for (const [file, raw] of Object.entries(files as Record<string, unknown>)) {
      const entry = raw as { mtime?: unknown; size?: unknown; refs?: unknown };
      if (typeof entry?.mtime !== 'number' || typeof entry.size !== 'number' || !Array.isArray(entry.refs)) {
        continue;
      }
      const references: IndexedReference[] = [];
      let valid = true;
      for (const ref of entry.refs as unknown[]) {
        if (!Array.isArray(ref) || typeof ref[0] !== 'string' || typeof ref[2] !== 'string' || ref.slice(3, 7).some((n) => typeof n !== 'number')) {
          valid = false;
          break;
        }
        const [value, takesId, refPath, line, character, endLine, endCharacter] = ref as [string, number, string, number, number, number, number];
        references.push({ value: index.intern(value), takes: takesId ? 'id' : 'url', path: index.intern(refPath), line, character, endLine, endCharacter });
      }
      if (valid) {
        index.set(file, { mtime: entry.mtime, size: entry.size }, references, false);
      }
    }
    return index;
  }

  dispose(): void {
    this.changed.dispose();
  }

  private scan(text: string, languageId: string): IndexedReference[] {
    const found = findAssetReferences(text, languageId);
    if (found.length === 0) {
      return [];
    }
    const starts = lineStarts(text);
    return found.map((r) => {
      const start = positionAt(starts, r.contentStart);
      const end = positionAt(starts, r.contentEnd);
      return {
        value: this.intern(r.value),
        takes: r.takes,
        path: this.intern(r.path),
        line: start.line,
        character: start.character,
        endLine: end.line,
        endCharacter: end.character,
      };
    });
  }

  private set(file: string, stamp: FileStamp, references: IndexedReference[], notify: boolean): boolean {
    const old = this.entries.get(file);
    const same = old !== undefined && sameReferences(old.references, references);
    if (old) {
      this.unlink(file, old.references);
    }
    this.entries.set(file, { stamp: { mtime: stamp.mtime, size: stamp.size }, references });
    for (const r of references) {
      let files = this.byValue.get(r.value);
      if (!files) {
        files = new Map();
        this.byValue.set(r.value, files);
      }
      files.set(file, (files.get(file) ?? 0) + 1);
    }
    const changed = !same && (references.length > 0 || (old?.references.length ?? 0) > 0);
    if (changed && notify) {
      this.changed.fire([file]);
    }
    return changed;
  }

  private unlink(file: string, references: readonly IndexedReference[]): void {
    for (const r of references) {
      const files = this.byValue.get(r.value);
      if (!files) {
        continue;
      }
      const count = (files.get(file) ?? 0) - 1;
      if (count > 0) {
        files.set(file, count);
      } else {
        files.delete(file);
        if (files.size === 0) {
          this.byValue.delete(r.value);
          this.strings.delete(r.value);
        }
      }
    }
  }

  private intern(s: string): string {
    const known = this.strings.get(s);
    if (known !== undefined) {
      return known;
    }
    // A substring of the file's text would keep the whole text alive (V8 slices); a copy of its own does not.
    const copy = (' ' + s).slice(1);
    this.strings.set(copy, copy);
    return copy;
  }
}

function sameReferences(a: readonly IndexedReference[], b: readonly IndexedReference[]): boolean {
  return (
    a.length === b.length &&
    a.every((r, i) => {
      const s = b[i];
      return r.value === s.value && r.path === s.path && r.line === s.line && r.character === s.character && r.endLine === s.endLine && r.endCharacter === s.endCharacter;
    })
  );
}

const SNAPSHOT_VERSION = 1;

/** The persisted form: compact tuples, since a large workspace holds tens of thousands of references. */
export interface IndexSnapshot {
  version: number;
  files: Record<string, { mtime: number; size: number; refs: Array<[string, number, string, number, number, number, number]> }>;
}
