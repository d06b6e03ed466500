import * as l10n from '@vscode/l10n';

/** What the Library knows of the account's assets: how many are listed, and whether that is all of them. */
export interface ListedCount {
  readonly size: number;
  readonly complete: boolean;
}

/**
 * The first look at the HeyGen view: this machine has uploaded nothing yet but the account already holds assets. The
 * Assets view says how many (it would otherwise only say "No assets uploaded yet" while the Library sits collapsed
 * below it). Undefined when that is not the situation.
 */
export function firstLookMessage(historySize: number, listed: ListedCount | undefined): string | undefined {
  if (historySize > 0 || !listed || listed.size === 0) {
    return undefined;
  }
  if (!listed.complete) {
    // One page is listed: HeyGen's list gives no total, and the rest is not fetched just to count it.
    return l10n.t('No uploads from this machine yet. Your HeyGen account holds more than {0} assets.', listed.size);
  }
  return listed.size === 1
    ? l10n.t('No uploads from this machine yet. Your HeyGen account holds 1 asset.')
    : l10n.t('No uploads from this machine yet. Your HeyGen account holds {0} assets.', listed.size);
}
