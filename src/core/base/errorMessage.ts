/** The one way to turn anything thrown into text: an Error's message, anything else as a string. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** For the log: an Error's stack (which starts with its message), else as errorMessage. */
export function errorDetail(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** Anything thrown as an Error, for APIs that take one. */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
