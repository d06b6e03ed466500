/** HeyGen's two error shapes: v1's `{code: <number>, …}` and v3's `{"error": {code, message, param, doc_url}}`. */

export const DOCS = 'https://docs.heygen.com/reference/errors';

/** v3's error envelope (any 4xx/5xx of a v3 route). */
export function v3Error(code: string, message: string, param: string | null = null, docUrl: string | null = null): string {
  return JSON.stringify({ error: { code, message, param, doc_url: docUrl } });
}

/** v1's error shape (`code` 100 is success; anything else an error). */
export function v1Error(code: number, message: string): string {
  return JSON.stringify({ code, data: null, msg: message, message });
}

/** A v3 400 naming the parameter it is about. */
export class ParamError extends Error {
  constructor(
    readonly param: string,
    message: string,
    readonly code = 'invalid_parameter',
    readonly status = 400,
  ) {
    super(message);
  }

  body(): string {
    return v3Error(this.code, this.message, this.param, `${DOCS}#${this.code.replace(/_/g, '-')}`);
  }
}
