import * as l10n from '@vscode/l10n';

/** Hosts that never leave this computer: the emulator and tests may use plain HTTP there. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  // Not *.localhost: outside browsers such names go to DNS (glibc's "files dns"), which may answer any address.
  if (host === 'localhost' || host === '::1') {
    return true;
  }
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (v4 && v4.slice(1).every((part) => Number(part) <= 255)) {
    return Number(v4[1]) === 127;
  }
  // IPv4-mapped IPv6 loopback, as the WHATWG URL parser normalises it.
  return host === '::ffff:7f00:1' || /^::ffff:127\./.test(host);
}

/**
 * Decides whether the API key may be sent to `raw` (issue 7 item 2): HTTPS always; plain HTTP only to loopback.
 * Checked before any connection is made.
 */
export function checkEndpoint(raw: string): { valid: true; url: URL } | { valid: false; reason: string } {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { valid: false, reason: l10n.t('The upload URL "{0}" is not a valid URL.', raw) };
  }
  if (url.username || url.password) {
    return { valid: false, reason: l10n.t('The upload URL must not contain a user name or password.') };
  }
  if (url.protocol === 'https:') {
    return { valid: true, url };
  }
  if (url.protocol === 'http:') {
    if (isLoopbackHost(url.hostname)) {
      return { valid: true, url };
    }
    return {
      valid: false,
      reason: l10n.t(
        'The upload URL {0} uses plain HTTP, which would send the API key unencrypted; use https (plain http is allowed only to 127.0.0.1, ::1 or localhost).',
        url.origin,
      ),
    };
  }
  return { valid: false, reason: l10n.t('The upload URL must use https, not {0}.', url.protocol.replace(/:$/, '')) };
}
