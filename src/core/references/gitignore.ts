/**
 * `.gitignore` semantics for the reference index (issue 25, item 1): what `git check-ignore` says of a path, so a
 * file git tracks is indexed and one it ignores is not. Rules: the last matching line wins, `!` re-includes, a
 * trailing `/` matches folders only, a pattern with a slash is relative to its file's folder and one without matches
 * a name at any depth, deeper `.gitignore` files override shallower ones, and nothing below an ignored folder can be
 * re-included (git never looks inside it).
 */

/** One `.gitignore`: its folder relative to the workspace folder ('' for the root) and its text. */
export interface GitignoreSource {
  base: string;
  text: string;
}

interface Rule {
  negated: boolean;
  dirOnly: boolean;
  /** Matched against the name alone (no slash in the pattern) or the whole path below the file's folder. */
  nameOnly: boolean;
  regex: RegExp;
  /** The pattern itself (escapes and all), for a search-side glob when it is a plain one. */
  pattern: string;
}

interface RuleFile {
  base: string;
  rules: Rule[];
}

export class Gitignore {
  private readonly files: RuleFile[];

  constructor(sources: readonly GitignoreSource[]) {
    // Shallow files first: a deeper file's rules are read later, so they win.
    this.files = sources
      .map((s) => ({ base: s.base.replace(/^\/+|\/+$/g, ''), rules: parseGitignore(s.text) }))
      .filter((f) => f.rules.length > 0)
      .sort((a, b) => depth(a.base) - depth(b.base));
  }

  get isEmpty(): boolean {
    return this.files.length === 0;
  }

  /** Whether git ignores `relativePath` (forward slashes, relative to the workspace folder). */
  ignores(relativePath: string, isDirectory = false): boolean {
    if (this.files.length === 0) {
      return false;
    }
    const parts = relativePath.split('/');
    for (let n = 1; n <= parts.length; n++) {
      if (this.decide(parts.slice(0, n).join('/'), n < parts.length || isDirectory)) {
        return true;
      }
    }
    return false;
  }

  /**
   * VS Code globs for what may be skipped during discovery without reading inside: rules no later `!` line (in
   * their file or a deeper one) can undo, and whose pattern a VS Code glob says exactly.
   */
  searchGlobs(): string[] {
    const globs: string[] = [];
    this.files.forEach((file, f) => {
      const deeperNegates = this.files.slice(f + 1).some((d) => within(d.base, file.base) && d.rules.some((r) => r.negated));
      if (deeperNegates) {
        return;
      }
      const lastNegation = file.rules.map((r) => r.negated).lastIndexOf(true);
      file.rules.slice(lastNegation + 1).forEach((rule) => {
        const glob = searchGlob(rule, file.base);
        if (glob !== undefined) {
          globs.push(glob);
        }
      });
    });
    return globs;
  }

  /** Whether the last rule that matches one path (a folder or not) ignores it; no rule matching keeps it. */
  private decide(path: string, isDirectory: boolean): boolean {
    let ignored = false;
    for (const file of this.files) {
      if (!within(path, file.base) || path === file.base) {
        continue;
      }
      const rel = file.base === '' ? path : path.slice(file.base.length + 1);
      const name = rel.slice(rel.lastIndexOf('/') + 1);
      for (const rule of file.rules) {
        if ((!rule.dirOnly || isDirectory) && rule.regex.test(rule.nameOnly ? name : rel)) {
          ignored = !rule.negated;
        }
      }
    }
    return ignored;
  }
}

/** The rules of one `.gitignore` text, in order. */
export function parseGitignore(text: string): Rule[] {
  const rules: Rule[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    // Trailing spaces are dropped unless escaped with a backslash.
    let line = rawLine.replace(/(?<!\\) +$/, '');
    if (line === '' || line.startsWith('#')) {
      continue;
    }
    const negated = line.startsWith('!');
    if (negated) {
      line = line.slice(1);
    }
    const dirOnly = line.endsWith('/') && !line.endsWith('\\/');
    if (dirOnly) {
      line = line.replace(/\/+$/, '');
    }
    // A slash at the start or in the middle anchors the pattern to its file's folder.
    const nameOnly = !line.includes('/');
    line = line.replace(/^\//, '');
    if (line === '') {
      continue;
    }
    const regex = wildmatchToRegExp(line);
    if (regex) {
      rules.push({ negated, dirOnly, nameOnly, regex, pattern: line });
    }
  }
  return rules;
}

/** A gitignore pattern (wildmatch with the path flag) as an anchored regular expression; undefined if malformed. */
export function wildmatchToRegExp(pattern: string): RegExp | undefined {
  let out = '';
  const segments = pattern.split('/');
  for (let s = 0; s < segments.length; s++) {
    const segment = segments[s];
    const last = s === segments.length - 1;
    if (segment === '**') {
      // `**/` any folders (none too); a trailing `/**` everything inside.
      out += last ? (s === 0 ? '.*' : '.+') : '(?:[^/]*/)*';
      continue;
    }
    const body = segmentToRegExp(segment);
    if (body === undefined) {
      return undefined;
    }
    out += body + (last ? '' : '/');
  }
  return new RegExp(`^${out}$`, 's');
}

function segmentToRegExp(segment: string): string | undefined {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '\\') {
      i++;
      if (i < segment.length) {
        out += escapeRegExp(segment[i]);
      }
    } else if (c === '*') {
      // Consecutive asterisks inside a name are ordinary ones.
      while (segment[i + 1] === '*') {
        i++;
      }
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const bracket = bracketToRegExp(segment, i);
      if (!bracket) {
        return undefined;
      }
      out += bracket.regex;
      i = bracket.end;
    } else {
      out += escapeRegExp(c);
    }
  }
  return out;
}

const CLASSES: Readonly<Record<string, string>> = {
  alnum: 'a-zA-Z0-9',
  alpha: 'a-zA-Z',
  digit: '0-9',
  lower: 'a-z',
  upper: 'A-Z',
  space: ' \\t\\n\\r\\f\\v',
  xdigit: '0-9a-fA-F',
  punct: '!-\\/:-@\\[-`{-~',
  blank: ' \\t',
};

/** `[...]` from index `start`: its regular expression and the index of its `]`. */
function bracketToRegExp(segment: string, start: number): { regex: string; end: number } | undefined {
  let i = start + 1;
  let negate = false;
  if (segment[i] === '!' || segment[i] === '^') {
    negate = true;
    i++;
  }
  let body = '';
  let first = true;
  for (; i < segment.length; i++) {
    const c = segment[i];
    if (c === ']' && !first) {
      return { regex: `[${negate ? '^/' : ''}${body}]`, end: i };
    }
    first = false;
    if (c === '[' && segment[i + 1] === ':') {
      const close = segment.indexOf(':]', i + 2);
      const cls = close === -1 ? undefined : CLASSES[segment.slice(i + 2, close)];
      if (cls === undefined) {
        return undefined;
      }
      body += cls;
      i = close + 1;
    } else if (c === '\\' && i + 1 < segment.length) {
      i++;
      body += escapeClass(segment[i]);
    } else {
      body += c === '-' ? '-' : escapeClass(c);
    }
  }
  // No closing bracket: git treats the pattern as matching nothing.
  return undefined;
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function escapeClass(c: string): string {
  return c.replace(/[\]\\^[]/g, '\\$&');
}

/** A VS Code glob for the rule, when it says exactly the same; undefined when it cannot be said as one. */
function searchGlob(rule: Rule, base: string): string | undefined {
  if (rule.negated || /[\\[\]{},]/.test(rule.pattern)) {
    return undefined;
  }
  const prefix = base === '' ? '' : `${base}/`;
  const path = rule.nameOnly ? `${prefix}**/${rule.pattern}` : `${prefix}${rule.pattern}`;
  // A folders-only rule with a wildcard could also name a file: only what is inside its folders is skipped then.
  return rule.dirOnly && /[*?]/.test(rule.pattern) ? `${path}/**` : path;
}

function depth(base: string): number {
  return base === '' ? 0 : base.split('/').length;
}

/** `path` is `base` or below it. */
function within(path: string, base: string): boolean {
  return base === '' || path === base || path.startsWith(`${base}/`);
}
