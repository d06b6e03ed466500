import { errorMessage } from '../base/errorMessage';
import { HeyGenError } from '../base/heygenError';

/** Why the library cannot be listed; the view shows one sentence per kind, with Retry. */
export type LibraryProblemKind = 'noKey' | 'auth' | 'forbidden' | 'notFound' | 'offline' | 'other';

export interface LibraryProblem {
  kind: LibraryProblemKind;
  /** The failure's own sentence, for the log and the view's tooltip. */
  message: string;
  status?: number;
}

/** Which sentence the view shows for a failure: the account look-up, or the listing itself. */
export function problemFrom(error: unknown, stage: 'account' | 'list'): LibraryProblem {
  const message = errorMessage(error);
  if (!(error instanceof HeyGenError)) {
    return { kind: 'other', message };
  }
  const status = error.status;
  if (error.kind === 'network' || error.kind === 'timeout') {
    return { kind: 'offline', message };
  }
  if (stage === 'account' && (status === 401 || status === 403 || status === 404 || error.kind === 'auth')) {
    // users/me refused: the key does not work with v3 (a v1-only key), or the base URL has no v3.
    return { kind: 'auth', message, status };
  }
  if (status === 401) {
    return { kind: 'auth', message, status };
  }
  if (status === 403) {
    return { kind: 'forbidden', message, status };
  }
  if (status === 404) {
    return { kind: 'notFound', message, status };
  }
  return { kind: 'other', message, status };
}
