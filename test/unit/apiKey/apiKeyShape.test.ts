import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkKeyShape } from '../../../src/core/apiKey/apiKeyShape';

void describe('checkKeyShape', () => {
  const key = 'NWQ4ZmM0YzE5ZDNhNDk3ZDlkYjU2ZTk3MzFiZmM3OTMtMTcxNDAwMDAwMA==';

  void it('accepts a key and trims what surrounds it', () => {
    assert.deepEqual(checkKeyShape(`  ${key}\n`), { valid: true, key });
  });

  void it('strips a pasted header name and quotes', () => {
    assert.deepEqual(checkKeyShape(`X-Api-Key: ${key}`), { valid: true, key });
    assert.deepEqual(checkKeyShape(`"${key}"`), { valid: true, key });
    assert.deepEqual(checkKeyShape(`x-api-key:'${key}'`), { valid: true, key });
  });

  void it('refuses what cannot be a key, saying why', () => {
    const cases: Array<[string, string]> = [
      ['', 'empty'],
      ['   ', 'empty'],
      ['abc def ghi jkl mno pqr', 'whitespace'],
      ['short', 'tooShort'],
      ['a'.repeat(600), 'tooLong'],
      ['k\u00e9y-with-accents-0123456789', 'nonPrintable'],
    ];
    for (const [input, problem] of cases) {
      const check = checkKeyShape(input);
      assert.equal(check.valid, false, input);
      assert.equal(!check.valid && check.problem, problem, input);
      assert.ok(!check.valid && check.reason.endsWith('.'), 'the reason is one sentence');
    }
  });
});
