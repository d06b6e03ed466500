/**
 * Which workspace files the index skips (issue 25, item 1): `files.exclude`, `search.exclude` (with their `when`
 * clauses) and what `.gitignore` files ignore (see gitignore.ts). Globs are VS Code's (`**`, `*`, `?`, `{a,b}`,
 * `[abc]`), matched against the path relative to the workspace folder; a file is excluded when it or any folder above
 * it matches, as VS Code's search does.
 */
import { Gitignore, type GitignoreSource } from './gitignore';

/** A settings value such as `files.exclude`: glob → true/false, or a `when` clause on a sibling's name. */
export type ExcludeSetting = Readonly<Record<string, boolean | { when?: string } | null | undefined>>;

/** A glob that excludes a file only while a sibling named after it exists (`$(basename)` is its name without extension). */
export interface WhenRule {
  glob: string;
  when: string;
}

/** The globs a settings value turns on. */
export function enabledGlobs(setting: ExcludeSetting | undefined): string[] {
  return Object.entries(setting ?? {})
    .filter(([, on]) => on === true)
    .map(([glob]) => glob);
}

/** The `when` rules of a settings value. */
export function whenRules(setting: ExcludeSetting | undefined): WhenRule[] {
  return Object.entries(setting ?? {}).flatMap(([glob, on]) =>
    typeof on === 'object' && on !== null && typeof on.when === 'string' && on.when !== '' ? [{ glob, when: on.when }] : [],
  );
}

export interface ExclusionOptions {
  gitignore?: readonly GitignoreSource[];
  when?: readonly WhenRule[];
}

export class Exclusions {
  private readonly patterns: RegExp[];
  private readonly when: ReadonlyArray<{ pattern: RegExp; when: string }>;
  private readonly gitignore: Gitignore;

  constructor(
    readonly globs: readonly string[],
    options: ExclusionOptions = {},
  ) {
    this.patterns = globs.map(globToRegExp);
    this.when = (options.when ?? []).map((r) => ({ pattern: globToRegExp(r.glob), when: r.when }));
    this.gitignore = new Gitignore(options.gitignore ?? []);
  }

  /** Whether a file's exclusion depends on its siblings (`when` rules), so a new or deleted neighbour matters. */
  get hasWhenRules(): boolean {
    return this.when.length > 0;
  }

  /**
   * `relativePath` uses forward slashes, relative to its workspace folder. `exists` answers for the sibling paths
   * `siblingsToCheck` named; without it, `when` rules exclude nothing.
   */
  isExcluded(relativePath: string, exists?: (relativePath: string) => boolean): boolean {
    if (this.matchesSettings(relativePath) || (exists && this.siblingsToCheck(relativePath).some(exists))) {
      return true;
    }
    return this.gitignore.ignores(relativePath);
  }

  /** Whether nothing in a folder is indexed (it or a folder above it is excluded), so a walk need not enter it. */
  isExcludedFolder(relativePath: string): boolean {
    return this.matchesSettings(relativePath) || this.gitignore.ignores(relativePath, true);
  }

  private matchesSettings(relativePath: string): boolean {
    if (this.patterns.length === 0) {
      return false;
    }
    const parts = relativePath.split('/');
    for (let n = 1; n <= parts.length; n++) {
      const candidate = parts.slice(0, n).join('/');
      if (this.patterns.some((p) => p.test(candidate))) {
        return true;
      }
    }
    return false;
  }

  /** The sibling paths whose existence would exclude the file through a `when` rule. */
  siblingsToCheck(relativePath: string): string[] {
    if (this.when.length === 0) {
      return [];
    }
    const slash = relativePath.lastIndexOf('/');
    const folder = relativePath.slice(0, slash + 1);
    const base = relativePath.slice(slash + 1);
    const dot = base.lastIndexOf('.');
    const name = dot > 0 ? base.slice(0, dot) : base;
    return this.when.filter((r) => r.pattern.test(relativePath)).map((r) => folder + r.when.replace('$(basename)', () => name));
  }

  /** One glob for `workspace.findFiles`'s exclude, so discovery never walks into an excluded folder. */
  findFilesExclude(): string | undefined {
    // Globs with braces or commas of their own cannot sit inside the outer braces; `isExcluded` still applies them.
    const simple = [...this.globs.filter((g) => !/[{},]/.test(g)), ...this.gitignore.searchGlobs()];
    return simple.length === 0 ? undefined : `{${[...new Set(simple)].join(',')}}`;
  }
}

/** A VS Code glob as an anchored regular expression over the whole relative path. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` matches any number of folders (none too); a trailing `**` anything at all.
        if (glob[i + 2] === '/') {
          out += '(?:[^/]*/)*';
          i += 2;
        } else {
          out += '.*';
          i += 1;
        }
      } else {
        out += '[^/]*';
      }
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === ',' && braces > 0) {
      out += '|';
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close === -1) {
        out += '\\[';
      } else {
        const body = glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\');
        out += `[${body}]`;
        i = close;
      }
    } else {
      out += c.replace(/[.+^$()|\\/]/g, '\\$&');
    }
  }
  return new RegExp(`^${out}$`);
}
