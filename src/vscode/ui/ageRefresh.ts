import type * as vscode from 'vscode';
import { AgeTicker } from '../../core/base/time';

/**
 * Keeps a view's "2 minutes ago" true while it is on screen: `refresh` runs when the newest time shown turns a minute
 * older (at most once a minute), so both views change their ages at the same moment. A hidden view ticks not at all.
 */
export interface AgeRefresh extends vscode.Disposable {
  /** The view was just refreshed for another reason (an upload, a new listing): the next tick counts from now. */
  refreshed(): void;
}

export function refreshAgesWhileVisible(view: vscode.TreeView<unknown>, refresh: () => void, newest: () => number | undefined): AgeRefresh {
  const ticker = new AgeTicker(refresh, newest);
  const follow = (visible: boolean): void => (visible ? ticker.start() : ticker.stop());
  follow(view.visible);
  const subscription = view.onDidChangeVisibility((e) => follow(e.visible));
  return {
    refreshed: () => follow(view.visible),
    dispose: () => {
      subscription.dispose();
      ticker.stop();
    },
  };
}
