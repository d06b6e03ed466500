import type { KnownAssets } from '../../core/payload/knownAssets';
import type { SessionStart } from './sessionStart';

/**
 * Known assets that start HeyGen work the first time a payload feature asks for one (a hover, a completion, the
 * problems of a payload that names assets). Subscribing to changes asks for nothing, so it starts nothing.
 */
export function startOnUse(known: KnownAssets, session: SessionStart): KnownAssets {
  const use = (): void => session.start('payload');
  return {
    find: (reference) => {
      use();
      return known.find(reference);
    },
    isGone: (id) => {
      use();
      return known.isGone(id);
    },
    all: () => {
      use();
      return known.all();
    },
    onDidChange: (listener) => known.onDidChange(listener),
  };
}
