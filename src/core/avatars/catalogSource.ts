/** Where the catalogue's pages come from: HeyGen v3, behind a small interface so the catalogue's rules are testable. */
import type { V3Endpoint } from '../heygen/v3Client';
import { listLooksPage, type AvatarLook, type LooksPage } from '../heygen/avatarsApi';
import { listVoicesPage, type VoicesPage, type VoiceType } from '../heygen/voicesApi';

export interface CatalogSource {
  /** One page of the account's looks; `token` is the previous page's `next_token`. */
  looksPage(token: string | undefined, signal?: AbortSignal): Promise<LooksPage>;
  /** One page of voices of one type. */
  voicesPage(type: VoiceType, token: string | undefined, signal?: AbortSignal): Promise<VoicesPage>;
  /** The looks of one avatar (group): a photo avatar's training is followed through them. */
  groupLooks(groupId: string, signal?: AbortSignal): Promise<AvatarLook[]>;
}

/** The catalogue over HeyGen v3; `endpoint` is asked before every request, so a new key or base URL applies at once. */
export function v3CatalogSource(endpoint: () => Promise<V3Endpoint>): CatalogSource {
  return {
    looksPage: async (token, signal) => listLooksPage(await endpoint(), { token, signal }),
    voicesPage: async (type, token, signal) => listVoicesPage(await endpoint(), { type, token, signal }),
    async groupLooks(groupId, signal) {
      const bound = await endpoint();
      const looks: AvatarLook[] = [];
      let token: string | undefined;
      do {
        const page = await listLooksPage(bound, { groupId, token, signal });
        looks.push(...page.looks);
        token = page.hasMore ? page.nextToken : undefined;
      } while (token);
      return looks;
    },
  };
}
