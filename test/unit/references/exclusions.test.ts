import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { enabledGlobs, Exclusions, globToRegExp, whenRules } from '../../../src/core/references/exclusions';

void describe('reference index exclusions', () => {
  void it('takes the globs a settings value turns on, and its when clauses', () => {
    const setting = { '**/.git': true, '**/dist': false, '**/*.js': { when: '$(basename).ts' }, '**/out': true, '**/x': {} };
    assert.deepEqual(enabledGlobs(setting), ['**/.git', '**/out']);
    assert.deepEqual(whenRules(setting), [{ glob: '**/*.js', when: '$(basename).ts' }]);
  });

  void it('matches VS Code globs against the path and the folders above it', () => {
    const ex = new Exclusions(['**/node_modules', 'build/**', '**/*.generated.{json,ts}', 'tmp?/x[0-9].py']);
    assert.equal(ex.isExcluded('node_modules/pkg/payload.json'), true);
    assert.equal(ex.isExcluded('a/b/node_modules/p.json'), true);
    assert.equal(ex.isExcluded('build/out.json'), true);
    assert.equal(ex.isExcluded('src/build/out.json'), false);
    assert.equal(ex.isExcluded('src/scene.generated.ts'), true);
    assert.equal(ex.isExcluded('src/scene.ts'), false);
    assert.equal(ex.isExcluded('tmp1/x4.py'), true);
    assert.equal(ex.isExcluded('tmp1/xa.py'), false);
    assert.equal(ex.findFilesExclude(), '{**/node_modules,build/**,tmp?/x[0-9].py}');
    assert.equal(globToRegExp('*.json').test('a/b.json'), false);
  });

  void it('excludes a file by a when clause only while the sibling it names exists', () => {
    const ex = new Exclusions([], { when: [{ glob: '**/*.js', when: '$(basename).ts' }] });
    assert.equal(ex.hasWhenRules, true);
    assert.deepEqual(ex.siblingsToCheck('src/scene.js'), ['src/scene.ts']);
    assert.deepEqual(ex.siblingsToCheck('scene.js'), ['scene.ts']);
    assert.deepEqual(ex.siblingsToCheck('src/scene.json'), []);
    assert.deepEqual(ex.siblingsToCheck('src/a.b.js'), ['src/a.b.ts']);
    const onDisk = new Set(['src/scene.ts']);
    assert.equal(ex.isExcluded('src/scene.js', (p) => onDisk.has(p)), true);
    assert.equal(ex.isExcluded('src/other.js', (p) => onDisk.has(p)), false);
    assert.equal(ex.isExcluded('src/scene.js'), false, 'without a way to look, a when clause excludes nothing');
    // A when clause has no glob of its own for the search: the file is only known to be excluded once looked at.
    assert.equal(ex.findFilesExclude(), undefined);
  });

  void it('applies .gitignore files with their negations, and keeps what a negation can undo out of the search glob', () => {
    const ex = new Exclusions(['**/node_modules'], {
      gitignore: [
        { base: '', text: 'renders/*\n!renders/keep/\nout/\n' },
        { base: 'packages/app', text: 'cache\n' },
      ],
    });
    assert.equal(ex.isExcluded('renders/a.json'), true);
    assert.equal(ex.isExcluded('renders/keep/a.json'), false);
    assert.equal(ex.isExcluded('packages/app/cache/a.json'), true);
    assert.equal(ex.isExcluded('packages/cache/a.json'), false);
    assert.equal(ex.isExcluded('src/out/a.json'), true);
    assert.equal(ex.findFilesExclude(), '{**/node_modules,**/out,packages/app/**/cache}');
  });
});
