import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Gitignore, wildmatchToRegExp, type GitignoreSource } from '../../../src/core/references/gitignore';

/** The paths of `paths` that git itself ignores in a repository holding these `.gitignore` files. */
function gitIgnored(sources: readonly GitignoreSource[], paths: readonly string[]): string[] | undefined {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-gitignore-'));
  try {
    if (spawnSync('git', ['init', '-q', repo]).status !== 0) {
      return undefined;
    }
    for (const { base, text } of sources) {
      fs.mkdirSync(path.join(repo, base), { recursive: true });
      fs.writeFileSync(path.join(repo, base, '.gitignore'), text);
    }
    // check-ignore looks at the paths as given; it needs no files, but folders-only rules need the folders.
    for (const p of paths) {
      fs.mkdirSync(path.join(repo, path.dirname(p)), { recursive: true });
      fs.writeFileSync(path.join(repo, p), '');
    }
    const result = spawnSync('git', ['-C', repo, 'check-ignore', '--no-index', '--stdin'], { input: paths.join('\n'), encoding: 'utf8' });
    return result.stdout.split('\n').filter((line) => line !== '');
  } finally {
    fs.rmSync(repo, { recursive: true, force: true });
  }
}

const PATHS = [
  'a.json',
  'debug.log',
  'logs/x.json',
  'src/logs/x.json',
  'build/out.json',
  'src/build/out.json',
  'renders/a.json',
  'renders/keep/a.json',
  'renders/keep/deep/b.py',
  'vendored/keep/a.json',
  'vendored/drop/a.json',
  'docs/api.json',
  'docs/guide/api.json',
  'packages/app/dist/x.js',
  'packages/app/src/x.ts',
  'packages/app/out.json',
  'packages/app/keep.json',
  'space .json',
  '#hash.json',
  '!bang.json',
  'x1.py',
  'xa.py',
  'a/b/c/deep.ts',
  'a/deep.ts',
  'gen/x.generated.ts',
  'gen/x.ts',
  'tmp.json/inner.json',
];

const SOURCES: GitignoreSource[] = [
  {
    base: '',
    text: [
      '# comment',
      '*.log',
      'logs/',
      '/build',
      'renders/*',
      '!renders/keep/',
      'vendored/',
      '!vendored/keep/',
      'docs/**/api.json',
      '!docs/api.json',
      'space\\ .json',
      '\\#hash.json',
      '\\!bang.json',
      'x[0-9].py',
      'a/**/deep.ts',
      '**/*.generated.ts',
      'tmp.json/',
      'trailing.json   ',
      '',
    ].join('\n'),
  },
  { base: 'packages/app', text: 'dist\n*.json\n!keep.json\n' },
];

void describe('.gitignore semantics', () => {
  void it('ignores exactly what git check-ignore ignores, negations and all', (t) => {
    const expected = gitIgnored(SOURCES, PATHS);
    if (expected === undefined) {
      t.skip('git is not installed');
      return;
    }
    const gitignore = new Gitignore(SOURCES);
    assert.deepEqual(PATHS.filter((p) => gitignore.ignores(p)), expected);
    // What the fixture is about, said outright (and a check that git agreed to the cases that matter).
    assert.ok(expected.includes('renders/a.json') && !expected.includes('renders/keep/a.json'), 'a negated folder is re-included');
    assert.ok(expected.includes('vendored/keep/a.json'), 'nothing below an ignored folder comes back');
    assert.ok(!expected.includes('packages/app/keep.json') && expected.includes('packages/app/out.json'), 'a deeper file negates');
  });

  void it('translates wildmatch patterns', () => {
    assert.equal(wildmatchToRegExp('a/**/b')?.test('a/b'), true);
    assert.equal(wildmatchToRegExp('a/**/b')?.test('a/x/y/b'), true);
    assert.equal(wildmatchToRegExp('a/**')?.test('a'), false);
    assert.equal(wildmatchToRegExp('a/**')?.test('a/x/y'), true);
    assert.equal(wildmatchToRegExp('*.json')?.test('a/b.json'), false);
    assert.equal(wildmatchToRegExp('[!a]*.py')?.test('b.py'), true);
    assert.equal(wildmatchToRegExp('[!a]*.py')?.test('a.py'), false);
    assert.equal(wildmatchToRegExp('[[:digit:]].py')?.test('7.py'), true);
    assert.equal(wildmatchToRegExp('x[0-9'), undefined);
  });

  void it('hands the search only globs no negation can undo', () => {
    assert.deepEqual(new Gitignore([{ base: '', text: 'node_modules/\n/dist\n*.log\ntmp*/\n' }]).searchGlobs(), ['**/node_modules', 'dist', '**/*.log', '**/tmp*/**']);
    assert.deepEqual(new Gitignore([{ base: '', text: 'out/\nrenders/*\n!renders/keep/\ncache/\n' }]).searchGlobs(), ['**/cache']);
    // A deeper file's negation can re-include what the root ignores, so the root's rules are left to the matcher.
    assert.deepEqual(
      new Gitignore([
        { base: '', text: '*.json\n' },
        { base: 'pkg', text: '!keep.json\nbuild/\n' },
      ]).searchGlobs(),
      ['pkg/**/build'],
    );
    assert.deepEqual(new Gitignore([{ base: '', text: 'x[0-9].py\na\\ b.json\n' }]).searchGlobs(), []);
  });
});
