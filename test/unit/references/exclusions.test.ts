import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { enabledGlobs, Exclusions, gitignoreGlobs, globToRegExp } from '../../../src/core/references/exclusions';

void describe('reference index exclusions', () => {
  void it('takes the globs a settings value turns on', () => {
    assert.deepEqual(enabledGlobs({ '**/.git': true, '**/dist': false, '**/*.js': { when: '$(basename).ts' }, '**/out': true }), ['**/.git', '**/out']);
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

  void it('turns .gitignore lines into globs relative to the workspace folder', () => {
    const text = '# comment\n\nnode_modules/\n/dist\nrenders/*.json\n!keep.json\n*.log  \n';
    assert.deepEqual(gitignoreGlobs(text), ['**/node_modules', 'dist', 'renders/*.json', '**/*.log']);
    assert.deepEqual(gitignoreGlobs('out/\n/cache\n', 'packages/app'), ['packages/app/**/out', 'packages/app/cache']);
    const ex = new Exclusions(gitignoreGlobs(text));
    assert.equal(ex.isExcluded('dist/payload.json'), true);
    assert.equal(ex.isExcluded('src/dist/payload.json'), false);
    assert.equal(ex.isExcluded('renders/a.json'), true);
    assert.equal(ex.isExcluded('payloads/a.json'), false);
  });
});
