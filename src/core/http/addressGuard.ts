/**
 * Which addresses a download may connect to. A URL from an agent tool or another extension must not make the
 * extension fetch from this computer or the private network around it (a metadata service, a router, a local
 * database), and a redirect must not lead a public URL there. The check is made on the address the socket is
 * given: the name is resolved once, the answers are checked, and only checked answers are handed to the connection,
 * so a name that answers differently the second time, or an address spelled `2130706433`, `0x7f.1`, `127.1` or
 * `[::ffff:127.0.0.1]` (the URL parser turns them all into 127.0.0.1 or its mapped form), changes nothing.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Where a download may connect:
 * - `any`: anywhere (an answer from HeyGen itself, or `heygen.download.allowPrivateNetworks` on);
 * - `named`: a URL the person typed or dropped; it may name a private address itself, but a redirect may not lead
 *   from a public address to a private one;
 * - `publicOnly`: a URL from an agent tool, another extension or a file: never a private address.
 */
export type AddressPolicy = 'any' | 'named' | 'publicOnly';

const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // RFC 1918
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata services live here)
  ['172.16.0.0', 12], // RFC 1918
  ['192.168.0.0', 16], // RFC 1918
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the broadcast address
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 96], // unspecified, loopback (::1) and the deprecated IPv4-compatible form
  ['fc00::', 7], // unique-local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv6');
}

/** The IPv4 address inside an IPv6 one that carries it: NAT64 (64:ff9b::/96) and 6to4 (2002::/16). */
function embeddedIPv4(address: string): string | undefined {
  const groups = expandIPv6(address);
  if (!groups) {
    return undefined;
  }
  const v4 = (high: number, low: number): string => [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  if (groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0)) {
    return v4(groups[6], groups[7]);
  }
  if (groups[0] === 0x2002) {
    return v4(groups[1], groups[2]);
  }
  return undefined;
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 included), or undefined. */
function expandIPv6(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const parse = (part: string | undefined): number[] => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const start = parse(head);
  const end = parse(tail);
  const groups = tail === undefined ? start : [...start, ...new Array<number>(8 - start.length - end.length).fill(0), ...end];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

/**
 * True for an address on this computer or a private network: loopback, RFC 1918, link-local, carrier-grade NAT,
 * unique-local, 0.0.0.0/8, multicast, reserved, and IPv6 forms that carry one of them (mapped, compatible, NAT64,
 * 6to4). Anything that is not an IP address counts as private: it cannot be checked.
 */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) {
    return PRIVATE.check(bare, 'ipv4');
  }
  if (family === 6) {
    const inner = embeddedIPv4(bare);
    return PRIVATE.check(bare, 'ipv6') || (inner !== undefined && PRIVATE.check(inner, 'ipv4'));
  }
  return true;
}

/** How names are resolved and addresses judged; tests replace both to stand a loopback server in for a public one. */
export interface AddressJudge {
  resolve(hostname: string): Promise<Array<{ address: string; family: number }>>;
  isPrivate(address: string): boolean;
}

export const SYSTEM_JUDGE: AddressJudge = {
  resolve: (hostname) => dnsLookup(hostname, { all: true, verbatim: true }),
  isPrivate: isPrivateAddress,
};

/** `code` of the error a connection refused by the policy fails with (before anything is sent). */
export const ADDRESS_REFUSED = 'HEYGEN_ADDRESS_REFUSED';

export class AddressRefusedError extends Error {
  readonly code = ADDRESS_REFUSED;

  constructor(readonly hostname: string) {
    super(`${hostname} resolves to a private address, which this download may not reach`);
    this.name = 'AddressRefusedError';
  }
}

/** What one connection reached: whether its address was private (for the next hop of a redirect chain). */
export interface ConnectionRecord {
  private?: boolean;
}

/**
 * A `lookup` for the socket: resolves the name once, refuses every answer when one is private and `allowPrivate` is
 * false, and hands Node only the checked answers, so the connection goes to an address that was checked. Records in
 * `record` whether the addresses were private.
 */
export function guardedLookup(judge: AddressJudge, allowPrivate: boolean, record: ConnectionRecord): LookupFunction {
  return (hostname, options, callback) => {
    judge.resolve(hostname).then(
      (answers) => {
        const isPrivate = answers.some((answer) => judge.isPrivate(answer.address));
        record.private = isPrivate;
        if (answers.length === 0 || (isPrivate && !allowPrivate)) {
          callback(answers.length === 0 ? Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND', hostname }) : new AddressRefusedError(hostname), '', 4);
          return;
        }
        const wanted = options.family === 4 || options.family === 6 ? answers.filter((a) => a.family === options.family) : answers;
        const usable = wanted.length > 0 ? wanted : answers;
        if (options.all) {
          (callback as unknown as (error: null, addresses: typeof usable) => void)(null, usable);
        } else {
          callback(null, usable[0].address, usable[0].family);
        }
      },
      (error: unknown) => callback(error as NodeJS.ErrnoException, '', 4),
    );
  };
}

/**
 * The check for a host that is not looked up by the socket: an IP literal (the socket connects to it as given), or a
 * name a proxy resolves (the proxy connects, so the best this side can do is resolve it here too and refuse a private
 * answer; a name that does not resolve here is left to the proxy). Resolves with whether the address is private;
 * rejects with AddressRefusedError when the policy forbids it.
 */
export async function checkHost(hostname: string, judge: AddressJudge, allowPrivate: boolean, viaProxy: boolean): Promise<boolean> {
  const bare = hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIP(bare)) {
    addresses = [bare];
  } else if (viaProxy) {
    addresses = await judge.resolve(bare).then(
      (answers) => answers.map((answer) => answer.address),
      () => [],
    );
  } else {
    return false; // Looked up by the socket through guardedLookup.
  }
  const isPrivate = addresses.some((address) => judge.isPrivate(address));
  if (isPrivate && !allowPrivate) {
    throw new AddressRefusedError(hostname);
  }
  return isPrivate;
}
