/** The logging surface the pure core writes to; the editor adapter backs it with a LogOutputChannel. */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

const REDACTED = '[redacted]';

/**
 * Replaces every occurrence of each secret in `text`. Secrets shorter than 4 characters are ignored:
 * masking them would shred ordinary words while protecting nothing.
 */
export function redact(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) {
      out = out.split(secret).join(REDACTED);
    }
  }
  return out;
}
