/**
 * A URL fit for the history and the log: no user name or password, no query or fragment (signed download links
 * carry their tokens there).
 */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    parsed.search = '';
    parsed.hash = '';
    return parsed.toString();
  } catch {
    return url.replace(/[?#].*$/s, '');
  }
}
