import type { AssetKind } from '../base/mediaKinds';

/** An asset the extension knows of: an upload in the history, or (once plugged in) an asset of the library. */
export interface KnownAsset {
  id: string;
  name: string;
  fileType: AssetKind;
  url: string;
  /** Bytes, when known. */
  size?: number;
  /** When it was uploaded (ms since epoch), when known. */
  uploadedAt?: number;
  /** The local file it was uploaded from, when known. */
  sourcePath?: string;
  mime?: string;
}

export interface Disposable {
  dispose(): void;
}

/**
 * What the payload features need to know about assets. Implemented from the upload history now
 * (`HistoryKnownAssets`); the library index (`src/core/library/libraryIndex.ts`: `all()`, `isGone(id)`,
 * `onDidChange`) can implement it, or be combined with the history, when it is merged.
 */
export interface KnownAssets {
  /** The asset a payload value names: by id or by URL. */
  find(reference: string): KnownAsset | undefined;
  /** True when HeyGen no longer has the asset (the library's stale check); false when it has it or nobody knows. */
  isGone(id: string): boolean;
  /** Every known asset, newest first. */
  all(): readonly KnownAsset[];
  onDidChange(listener: () => void): Disposable;
}

/** The part of `HistoryStore` this needs. */
export interface AssetHistory {
  all(): readonly KnownAsset[];
  onDidChange(listener: () => void): Disposable;
}

/**
 * Known assets from the upload history alone. The history cannot tell whether HeyGen still has an asset, so
 * `isGone` is false for all of them until the library's stale marking is plugged in.
 */
export class HistoryKnownAssets implements KnownAssets {
  private index: Map<string, KnownAsset> | undefined;
  private readonly subscription: Disposable;

  constructor(private readonly history: AssetHistory) {
    this.subscription = history.onDidChange(() => {
      this.index = undefined;
    });
  }

  find(reference: string): KnownAsset | undefined {
    if (!this.index) {
      this.index = new Map();
      // Oldest first, so the newest entry wins for a URL recorded twice.
      const all = this.history.all();
      for (let i = all.length - 1; i >= 0; i--) {
        this.index.set(all[i].id, all[i]);
        this.index.set(all[i].url, all[i]);
      }
    }
    return this.index.get(reference.trim());
  }

  isGone(_id: string): boolean {
    return false;
  }

  all(): readonly KnownAsset[] {
    return this.history.all();
  }

  onDidChange(listener: () => void): Disposable {
    return this.history.onDidChange(() => listener());
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

/**
 * Several sources as one: the first that knows a reference answers `find`, an asset is gone when any source says so,
 * and `all` lists each asset once (the first source's record wins), newest first. For the history together with the
 * library index at merge: `new MergedKnownAssets([historyAssets, libraryAssets])`.
 */
export class MergedKnownAssets implements KnownAssets {
  private merged: KnownAsset[] | undefined;
  private readonly subscriptions: Disposable[];

  constructor(private readonly sources: readonly KnownAssets[]) {
    this.subscriptions = sources.map((s) =>
      s.onDidChange(() => {
        this.merged = undefined;
      }),
    );
  }

  find(reference: string): KnownAsset | undefined {
    for (const source of this.sources) {
      const found = source.find(reference);
      if (found) {
        return found;
      }
    }
    return undefined;
  }

  isGone(id: string): boolean {
    return this.sources.some((s) => s.isGone(id));
  }

  all(): readonly KnownAsset[] {
    if (!this.merged) {
      const seen = new Set<string>();
      const merged: KnownAsset[] = [];
      for (const source of this.sources) {
        for (const asset of source.all()) {
          if (!seen.has(asset.id)) {
            seen.add(asset.id);
            merged.push(asset);
          }
        }
      }
      // A stable sort keeps each source's own order for assets without an upload time.
      this.merged = merged.sort((a, b) => (b.uploadedAt ?? 0) - (a.uploadedAt ?? 0));
    }
    return this.merged;
  }

  onDidChange(listener: () => void): Disposable {
    const subscriptions = this.sources.map((s) => s.onDidChange(listener));
    return { dispose: () => subscriptions.forEach((s) => s.dispose()) };
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
  }
}

/**
 * The part of the library index (`src/core/library/libraryIndex.ts`, helper C's `LibraryIndex`) this needs, by shape,
 * so nothing here depends on the library's module.
 */
export interface AssetLibrary {
  all(): ReadonlyArray<{ id: string; name: string; kind: string; uploadedAt: number; url: string | null }>;
  isGone(id: string): boolean;
  onDidChange(listener: (change: unknown) => void): Disposable;
}

/** Known assets from the library: its images, videos and audio that have a URL, and its stale marks. */
export class LibraryKnownAssets implements KnownAssets {
  private cache: { source: ReturnType<AssetLibrary['all']>; assets: KnownAsset[]; index: Map<string, KnownAsset> } | undefined;

  constructor(private readonly library: AssetLibrary) {}

  private view(): NonNullable<LibraryKnownAssets['cache']> {
    const source = this.library.all();
    if (this.cache?.source !== source) {
      const assets: KnownAsset[] = [];
      const index = new Map<string, KnownAsset>();
      for (const a of source) {
        if ((a.kind === 'image' || a.kind === 'video' || a.kind === 'audio') && a.url) {
          const asset: KnownAsset = { id: a.id, name: a.name, fileType: a.kind, url: a.url, ...(a.uploadedAt ? { uploadedAt: a.uploadedAt } : {}) };
          assets.push(asset);
          index.set(asset.id, asset);
          index.set(asset.url, asset);
        }
      }
      this.cache = { source, assets, index };
    }
    return this.cache;
  }

  find(reference: string): KnownAsset | undefined {
    return this.view().index.get(reference.trim());
  }

  isGone(id: string): boolean {
    return this.library.isGone(id);
  }

  all(): readonly KnownAsset[] {
    return this.view().assets;
  }

  onDidChange(listener: () => void): Disposable {
    return this.library.onDidChange(() => listener());
  }
}
