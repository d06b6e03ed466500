import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withoutCredentials } from '../../../src/core/base/safeUrl';

void describe('withoutCredentials', () => {
  void it('drops user name, password, query and fragment', () => {
    assert.equal(
      withoutCredentials('https://user:pa55@cdn.example.com/a/b%20c.png?X-Amz-Signature=abc&token=t#frag'),
      'https://cdn.example.com/a/b%20c.png',
    );
  });

  void it('leaves a plain URL as it is', () => {
    assert.equal(withoutCredentials('http://127.0.0.1:8080/clip.mp4'), 'http://127.0.0.1:8080/clip.mp4');
  });

  void it('still cuts the query from text that is not a URL', () => {
    assert.equal(withoutCredentials('not a url?secret=1'), 'not a url');
  });
});
