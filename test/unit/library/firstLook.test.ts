// Issue 26 item 11: with no uploads from this machine and assets on the account, the Assets view says how many.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { firstLookMessage } from '../../../src/core/library/firstLook';

void describe('the first look', () => {
  void it('says how many assets the account holds while this machine has uploaded nothing', () => {
    assert.equal(firstLookMessage(0, { size: 130, complete: true }), 'No uploads from this machine yet. Your HeyGen account holds 130 assets.');
    assert.equal(firstLookMessage(0, { size: 1, complete: true }), 'No uploads from this machine yet. Your HeyGen account holds 1 asset.');
    assert.equal(firstLookMessage(0, { size: 100, complete: false }), 'No uploads from this machine yet. Your HeyGen account holds more than 100 assets.');
  });

  void it('says nothing once this machine uploaded, or while the account is empty or not listed', () => {
    assert.equal(firstLookMessage(1, { size: 130, complete: true }), undefined);
    assert.equal(firstLookMessage(0, { size: 0, complete: true }), undefined);
    assert.equal(firstLookMessage(0, undefined), undefined);
  });
});
