import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { scanForSecret } from '../../tools/scanForSecret';

const KEY = 'hg-known-key-for-the-scan-0123';

function tempTree(files: Record<string, Buffer | string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-secret-'));
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(root, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return root;
}

// The UI run's redaction check passes when it finds nothing, so the scanner itself must be shown to find.
void describe('scanForSecret (the redaction check after UI tests)', () => {
  void it('finds the key as UTF-8, UTF-16 and base64, in nested folders, with counts', () => {
    const root = tempTree({
      'User/settings.json': `{"a": "${KEY}", "b": "${KEY}"}`,
      'profile/Local Storage/leveldb/000003.log': Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(KEY, 'utf16le')]),
      'logs/exthost.log': `token=${Buffer.from(KEY).toString('base64')}`,
      'clean.txt': 'nothing to see',
    });
    const result = scanForSecret([path.join(root, 'User'), path.join(root, 'profile'), path.join(root, 'logs'), root], KEY);
    const found = result.hits.map((hit) => `${path.relative(root, hit.file)}|${hit.encoding}|${hit.count}`).sort();
    assert.deepEqual(
      [...new Set(found)],
      ['User/settings.json|utf-8|2', 'logs/exthost.log|base64|1', 'profile/Local Storage/leveldb/000003.log|utf-16le|1'],
    );
  });

  void it('reports nothing for folders without the key, and tolerates missing folders', () => {
    const root = tempTree({ 'a.txt': 'hg-known-key-for-the-scan-012 (one character short)', 'b.bin': Buffer.alloc(1024) });
    const result = scanForSecret([root, path.join(root, 'does-not-exist')], KEY);
    assert.equal(result.files, 2);
    assert.deepEqual(result.hits, []);
  });
});
