import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accountDescription, accountSentence, planLabel } from '../../../src/core/account/accountSummary';
import { apiOf } from '../../../src/core/base/assetRecord';
import { parseHistory, serialize, validateRecord } from '../../../src/core/history/historyStore';
import type { AssetRecord } from '../../../src/core/base/assetRecord';

void describe('the account as shown', () => {
  void it('names the user and the plan, with credits or a wallet balance', () => {
    const subscriber = { username: 'emma', email: 'emma@example.test', billing_type: 'subscription', subscription: { plan: 'business_plus', credits_remaining: 12, credits_total: 40 } };
    assert.equal(planLabel('business_plus'), 'Business Plus');
    assert.equal(accountDescription(subscriber), 'emma \u00b7 Business Plus');
    assert.equal(accountSentence(subscriber), 'HeyGen account emma (emma@example.test), plan Business Plus, 12 of 40 credits left.');
    const wallet = { username: 'max', billing_type: 'wallet', wallet: { remaining_balance: 7.5, currency: 'USD' } };
    assert.equal(accountDescription(wallet), 'max \u00b7 Wallet');
    assert.equal(accountSentence(wallet), 'HeyGen account max, plan Wallet, balance 7.5 USD.');
    assert.equal(accountDescription({ username: 'solo' }), 'solo');
  });
});

void describe('history records say which API made them', () => {
  const base: AssetRecord = {
    id: 'a1', name: 'a.png', fileType: 'image', mime: 'image/png', url: 'https://x/a.png', imageKey: null, createdTs: 1,
    size: 1, sha256: 'ab', uploadedAt: 2, keyFingerprint: 'fp',
  };

  void it('an old record without the field is v1; v3 records round-trip; an unknown value is refused', () => {
    assert.equal(apiOf(base), 'v1');
    assert.equal(validateRecord(base), undefined);
    const v3: AssetRecord = { ...base, id: 'a2', api: 'v3' };
    const parsed = parseHistory(serialize([v3, base]));
    assert.ok('records' in parsed);
    assert.deepEqual(parsed.records.map(apiOf), ['v3', 'v1']);
    assert.match(validateRecord({ ...base, api: 'v2' }) ?? '', /unknown api/);
  });
});
