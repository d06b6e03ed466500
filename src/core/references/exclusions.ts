/**
 * Which workspace files the index skips (issue 25, item 1): `files.exclude`, `search.exclude` and what `.gitignore`
 * files ignore. Globs are VS Code's (`**`, `*`, `?`, `{a,b}`, `[abc]`), matched against the path relative to the
 * workspace folder; a file is excluded when it or any folder above it matches, as VS Code's search does.
 */

/** A settings value such as `files.exclude`: glob → true/false, or a `when` clause (sibling rules are skipped). */
export type ExcludeSetting = Readonly<Record<string, boolean | { when?: string } | null | undefined>>;

/** The globs a settings value turns on. */
export function enabledGlobs(setting: ExcludeSetting | undefined): string[] {
  return Object.entries(setting ?? {})
    .filter(([, on]) => on === true)
    .map(([glob]) => glob);
}

/**
 * The globs of one `.gitignore` (relative to the workspace folder through `base`, '' for the root). Negations are
 * left out: a file that a broader rule ignores stays skipped, the safe side for an index.
 */
export function gitignoreGlobs(text: string, base = ''): string[] {
  const prefix = base === '' ? '' : `${base.replace(/\/+$/, '')}/`;
  const globs: string[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    let line = rawLine.replace(/(?<!\\)\s+$/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) {
      continue;
    }
    line = line.replace(/^\\([#!])/, '$1');
    if (line.endsWith('/')) {
      line = line.slice(0, -1);
    }
    // A pattern with a slash before its end is relative to the .gitignore's folder; one without matches at any depth.
    const anchored = line.includes('/');
    line = line.replace(/^\//, '');
    if (line === '') {
      continue;
    }
    globs.push(anchored || line.startsWith('**') ? `${prefix}${line}` : `${prefix}**/${line}`);
  }
  return globs;
}

export class Exclusions {
  private readonly patterns: RegExp[];

  constructor(readonly globs: readonly string[]) {
    this.patterns = globs.map(globToRegExp);
  }

  /** `relativePath` uses forward slashes, relative to its workspace folder. */
  isExcluded(relativePath: string): boolean {
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

  /** One glob for `workspace.findFiles`'s exclude, so discovery never walks into an excluded folder. */
  findFilesExclude(): string | undefined {
    // Globs with braces of their own cannot sit inside the outer braces; `isExcluded` still applies them afterwards.
    const simple = this.globs.filter((g) => !/[{}]/.test(g));
    return simple.length === 0 ? undefined : `{${simple.join(',')}}`;
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
