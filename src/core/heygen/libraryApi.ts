import * as l10n from '@vscode/l10n';
import { HeyGenError } from '../base/heygenError';
import { parseLibraryAsset, type LibraryAsset } from './libraryAsset';
import { isAssetId } from './assetId';

/** HeyGen's largest page (`limit` 1-100): fewer round trips for big libraries. */
export const PAGE_SIZE = 100;

export interface LibraryPage {
  assets: LibraryAsset[];
  hasMore: boolean;
  nextToken: string | undefined;
}

/**
 * What deleting answered: deleted now, or HeyGen does not know the asset (HTTP 404: deleted already, or another
 * account's), which deleted nothing and must not be counted as deleted.
 */
export type DeleteOutcome = 'deleted' | 'notFound';

/** The library endpoints, behind a small interface so the index, the checks and the tests need no HTTP. */
export interface LibraryApi {
  /** The `username` of `GET /v3/users/me`: the account the listing belongs to (the beta list requires it). */
  account(signal?: AbortSignal): Promise<string>;
  /** One page, newest first; `token` is the previous page's `next_token`. */
  list(token: string | undefined, signal?: AbortSignal): Promise<LibraryPage>;
  /** The asset, or undefined when HeyGen answers 404 (deleted, or expired after inactivity). */
  get(id: string, signal?: AbortSignal): Promise<LibraryAsset | undefined>;
  /** Rejects an id that is not shaped like HeyGen's before any request (see isAssetId). */
  delete(id: string, signal?: AbortSignal): Promise<DeleteOutcome>;
}

/** The v3 client's envelope request with the endpoint already bound (see src/core/heygen/v3Client.ts). */
export type V3EnvelopeCall = <T>(
  method: 'GET' | 'DELETE',
  path: string,
  options: { query?: Record<string, string | number | boolean | undefined>; signal?: AbortSignal },
) => Promise<{ data: T; has_more?: boolean; next_token?: string | null }>;

/** The path of one asset; refuses an id that is not one, so no request goes to another path. */
export function assetPath(id: string): string {
  if (!isAssetId(id)) {
    throw new HeyGenError('protocol', l10n.t('"{0}" is not a HeyGen asset id.', id.length > 80 ? `${id.slice(0, 80)}…` : id));
  }
  return `/v3/assets/${id}`;
}

export function isNotFound(error: unknown): boolean {
  return error instanceof HeyGenError && error.status === 404;
}

/** A LibraryApi whose remembered username can be forgotten (the key or the base URL changed). */
export interface ResettableLibraryApi extends LibraryApi {
  reset(): void;
}

/**
 * The library over HeyGen v3. `call` is asked for before every request, so a new key or base URL applies at once;
 * the username is asked once and remembered until `reset()`.
 */
export function createV3LibraryApi(call: () => Promise<V3EnvelopeCall>, whoAmI: (signal?: AbortSignal) => Promise<string>): ResettableLibraryApi {
  let username: Promise<string> | undefined;
  const account = (signal?: AbortSignal): Promise<string> => {
    if (!username) {
      username = whoAmI(signal);
      // A failed look-up is asked again next time, not remembered.
      username.catch(() => {
        username = undefined;
      });
    }
    return username;
  };
  return {
    account,
    reset() {
      username = undefined;
    },
    async list(token, signal) {
      const user = await account(signal);
      const envelope = await (await call())<unknown>('GET', '/v3/assets', {
        query: { username: user, limit: PAGE_SIZE, token },
        signal,
      });
      if (!Array.isArray(envelope.data)) {
        throw new HeyGenError('protocol', l10n.t("HeyGen's list of assets has no data (an array was expected)."));
      }
      const assets: LibraryAsset[] = [];
      for (const entry of envelope.data) {
        const asset = parseLibraryAsset(entry);
        if (asset) {
          assets.push(asset);
        }
      }
      const nextToken = typeof envelope.next_token === 'string' && envelope.next_token ? envelope.next_token : undefined;
      // has_more without a token could never be followed: treat it as the end rather than loop on page one.
      return { assets, hasMore: envelope.has_more === true && nextToken !== undefined, nextToken };
    },
    async get(id, signal) {
      try {
        const path = assetPath(id);
        const envelope = await (await call())<unknown>('GET', path, { signal });
        return parseLibraryAsset(envelope.data);
      } catch (error) {
        if (isNotFound(error)) {
          return undefined;
        }
        throw error;
      }
    },
    async delete(id, signal) {
      const path = assetPath(id);
      try {
        await (await call())<unknown>('DELETE', path, { signal });
        return 'deleted';
      } catch (error) {
        if (isNotFound(error)) {
          return 'notFound';
        }
        throw error;
      }
    },
  };
}
