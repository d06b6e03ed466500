// Which addresses count as this computer or a private network: every range the download guard refuses, the IPv6
// forms that carry them, and the spellings of a loopback address the URL parser turns into one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SYSTEM_JUDGE, checkHost, isPrivateAddress } from '../../../src/core/http/addressGuard';

const PRIVATE = [
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback, the whole /8'],
  ['10.0.0.7', 'RFC 1918'],
  ['172.16.0.1', 'RFC 1918'],
  ['172.31.255.255', 'RFC 1918, the top of 172.16/12'],
  ['192.168.1.1', 'RFC 1918'],
  ['169.254.169.254', 'link-local (cloud metadata)'],
  ['100.64.0.1', 'carrier-grade NAT'],
  ['100.127.255.255', 'carrier-grade NAT, the top of 100.64/10'],
  ['0.0.0.0', '"this network"'],
  ['0.1.2.3', '"this network", 0/8'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast (SSDP)'],
  ['255.255.255.255', 'broadcast'],
  ['240.0.0.1', 'reserved'],
  ['::1', 'IPv6 loopback'],
  ['::', 'IPv6 unspecified'],
  ['fe80::1', 'IPv6 link-local'],
  ['fe80::1%eth0', 'IPv6 link-local with a zone'],
  ['febf::1', 'IPv6 link-local, the top of fe80::/10'],
  ['fc00::1', 'unique-local'],
  ['fd12:3456::1', 'unique-local'],
  ['ff02::1', 'IPv6 multicast'],
  ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
  ['::ffff:7f00:1', 'IPv4-mapped loopback, hex'],
  ['::ffff:10.0.0.7', 'IPv4-mapped RFC 1918'],
  ['::ffff:169.254.169.254', 'IPv4-mapped link-local'],
  ['::ffff:100.64.0.1', 'IPv4-mapped carrier-grade NAT'],
  ['::127.0.0.1', 'IPv4-compatible (deprecated) loopback'],
  ['64:ff9b::7f00:1', 'NAT64 of loopback'],
  ['64:ff9b::10.0.0.7', 'NAT64 of RFC 1918'],
  ['2002:a00:7::1', '6to4 of RFC 1918'],
  ['[::1]', 'bracketed, as in a URL'],
  ['not-an-address', 'not an address: cannot be checked'],
] as const;

const PUBLIC = [
  ['8.8.8.8', 'public IPv4'],
  ['1.1.1.1', 'public IPv4'],
  ['172.15.255.255', 'just below 172.16/12'],
  ['172.32.0.1', 'just above 172.16/12'],
  ['100.63.255.255', 'just below 100.64/10'],
  ['100.128.0.1', 'just above 100.64/10'],
  ['169.255.0.1', 'just above 169.254/16'],
  ['192.169.0.1', 'just above 192.168/16'],
  ['223.255.255.255', 'just below multicast'],
  ['2606:4700::1111', 'public IPv6'],
  ['2001:4860:4860::8888', 'public IPv6'],
  ['fe7f::1', 'just below fe80::/10'],
  ['::ffff:8.8.8.8', 'IPv4-mapped public'],
  ['64:ff9b::808:808', 'NAT64 of a public address'],
  ['2002:808:808::1', '6to4 of a public address'],
] as const;

void describe('isPrivateAddress: the ranges a download may not reach unless allowed', () => {
  for (const [address, why] of PRIVATE) {
    void it(`${address} is private (${why})`, () => assert.equal(isPrivateAddress(address), true));
  }
  for (const [address, why] of PUBLIC) {
    void it(`${address} is public (${why})`, () => assert.equal(isPrivateAddress(address), false));
  }

  void it('every spelling of a loopback address reaches the check as an address the table knows', () => {
    // The WHATWG URL parser (which every URL goes through first) normalises these; the guard then sees 127.0.0.1.
    for (const url of ['http://2130706433/', 'http://0x7f.1/', 'http://127.1/', 'http://0x7f000001/', 'http://017700000001/', 'http://127.0.0.1./', 'http://[::ffff:127.0.0.1]/']) {
      const host = new URL(url).hostname;
      assert.equal(isPrivateAddress(host), true, `${url} → ${host}`);
    }
  });

  void it('checkHost: an IP literal is judged as written; a name is left to the socket’s lookup unless a proxy connects', async () => {
    await assert.rejects(checkHost('[::ffff:7f00:1]', SYSTEM_JUDGE, false, false), { code: 'HEYGEN_ADDRESS_REFUSED' });
    assert.equal(await checkHost('127.0.0.1', SYSTEM_JUDGE, true, false), true);
    assert.equal(await checkHost('8.8.8.8', SYSTEM_JUDGE, false, false), false);
    assert.equal(await checkHost('cdn.example', SYSTEM_JUDGE, false, false), false, 'looked up by the socket, not here');
    // Through a proxy the name is resolved here too (localhost: always resolvable) and refused when private.
    await assert.rejects(checkHost('localhost', SYSTEM_JUDGE, false, true), { code: 'HEYGEN_ADDRESS_REFUSED' });
    // A name that does not resolve here is left to the proxy (split-horizon DNS): not refused.
    const unresolvable = { resolve: () => Promise.reject(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' })), isPrivate: isPrivateAddress };
    assert.equal(await checkHost('only-the-proxy-knows.example', unresolvable, false, true), false);
  });
});
