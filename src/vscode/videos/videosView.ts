import * as path from 'node:path';
import * as vscode from 'vscode';
import { relativeTime } from '../../core/base/time';
import type { VideoStatus } from '../../core/heygen/videoInfo';
import type { RenderRecord } from '../../core/videos/renderList';
import type { ListedVideo } from '../../core/videos/videoListing';
import { formatElapsed, formatSeconds, statusLabel } from '../../core/videos/videoText';
import { CommandId } from '../commands/commandIds';
import { renderName } from './renderNotices';
import type { VideoService } from './videoService';

export type VideoNode =
  | { type: 'videoGroup'; group: 'local' | 'account' }
  | { type: 'render'; videoId: string }
  | { type: 'accountVideo'; video: ListedVideo }
  | { type: 'videosLoadMore' }
  | { type: 'videosNote'; note: 'noKey' | 'loading' | 'problem' | 'empty' };

const LOCAL_GROUP: VideoNode = { type: 'videoGroup', group: 'local' };
const ACCOUNT_GROUP: VideoNode = { type: 'videoGroup', group: 'account' };
/** While a render is on screen, its elapsed time moves this often (no request: the watch asks HeyGen). */
const TICK_MS = 5_000;

function isFinished(status: VideoStatus): boolean {
  return status === 'completed' || status === 'failed';
}

/**
 * The Videos view: the renders started on this machine (payload, status, a spinner while rendering), then the
 * account's videos from the cached listing (100 a page, Load More). Every row comes from memory: the view never
 * waits for HeyGen, and lists the account only once it has been seen.
 */
export class VideosTreeProvider implements vscode.TreeDataProvider<VideoNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<VideoNode | undefined | void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [this.changed];
  private hasKey = false;
  private ticker: NodeJS.Timeout | undefined;
  visible = false;

  constructor(private readonly service: VideoService) {
    this.subscriptions.push(
      service.renders.onDidChange(() => this.refresh()),
      service.listing.onDidChange(() => this.refresh()),
      // A watch's end: its spinner stops, and the ticker with the last one.
      service.onDidFinishWatch(() => this.refresh()),
      { dispose: () => clearInterval(this.ticker) },
    );
  }

  setHasKey(hasKey: boolean): void {
    if (hasKey !== this.hasKey) {
      this.hasKey = hasKey;
      this.refresh();
    }
  }

  refresh(): void {
    this.changed.fire();
    this.updateTicker();
  }

  /** Moves the elapsed times of renders being watched while the view is visible; stops when none is. */
  updateTicker(): void {
    const needed = this.visible && this.service.renders.all().some((r) => this.service.tracker.isWatching(r.videoId));
    if (needed && !this.ticker) {
      this.ticker = setInterval(() => {
        this.changed.fire(LOCAL_GROUP);
        this.updateTicker();
      }, TICK_MS);
    } else if (!needed && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  getChildren(element?: VideoNode): VideoNode[] {
    if (!element) {
      return this.service.renders.all().length > 0 ? [LOCAL_GROUP, ACCOUNT_GROUP] : [ACCOUNT_GROUP];
    }
    if (element.type !== 'videoGroup') {
      return [];
    }
    if (element.group === 'local') {
      return this.service.renders.all().map((r) => ({ type: 'render', videoId: r.videoId }));
    }
    const { listing } = this.service;
    const videos: VideoNode[] = listing.videos().map((video) => ({ type: 'accountVideo', video }));
    if (videos.length === 0) {
      const note = !this.hasKey ? 'noKey' : listing.busy || listing.fetchedAt === undefined ? (listing.problem ? 'problem' : 'loading') : listing.problem ? 'problem' : 'empty';
      return [{ type: 'videosNote', note }];
    }
    return listing.hasMore ? [...videos, { type: 'videosLoadMore' }] : videos;
  }

  getParent(element: VideoNode): VideoNode | undefined {
    return element.type === 'render' ? LOCAL_GROUP : element.type === 'videoGroup' ? undefined : ACCOUNT_GROUP;
  }

  getTreeItem(element: VideoNode): vscode.TreeItem {
    switch (element.type) {
      case 'videoGroup':
        return this.groupItem(element.group);
      case 'render': {
        const record = this.service.renders.get(element.videoId);
        return record ? this.renderItem(record) : new vscode.TreeItem(element.videoId);
      }
      case 'accountVideo':
        return this.accountItem(element.video);
      case 'videosLoadMore': {
        const busy = this.service.listing.busy;
        const item = new vscode.TreeItem(busy ? vscode.l10n.t('Loading…') : vscode.l10n.t('Load More…'));
        item.id = 'videos:loadMore';
        item.description = vscode.l10n.t('{0} listed so far', this.service.listing.videos().length);
        item.iconPath = new vscode.ThemeIcon(busy ? 'loading~spin' : 'more');
        item.command = { command: CommandId.LoadMoreVideos, title: vscode.l10n.t('Load More…') };
        item.contextValue = 'videosLoadMore';
        return item;
      }
      case 'videosNote':
        return this.noteItem(element.note);
    }
  }

  private groupItem(group: 'local' | 'account'): vscode.TreeItem {
    const { listing } = this.service;
    if (group === 'local') {
      const item = new vscode.TreeItem(vscode.l10n.t('Rendered from This Machine'), vscode.TreeItemCollapsibleState.Expanded);
      item.id = 'videos:local';
      item.description = String(this.service.renders.all().length);
      item.contextValue = 'videoGroup';
      return item;
    }
    const item = new vscode.TreeItem(vscode.l10n.t('On Your HeyGen Account'), vscode.TreeItemCollapsibleState.Expanded);
    item.id = 'videos:account';
    const age = listing.fetchedAt !== undefined ? relativeTime(listing.fetchedAt, Date.now(), vscode.env.language) : undefined;
    item.description = listing.busy
      ? vscode.l10n.t('refreshing…')
      : age
        ? listing.fromCache
          ? vscode.l10n.t('cached {0}', age)
          : vscode.l10n.t('updated {0}', age)
        : undefined;
    item.contextValue = 'videoGroup';
    return item;
  }

  private renderItem(record: RenderRecord): vscode.TreeItem {
    const watching = this.service.tracker.isWatching(record.videoId);
    const item = new vscode.TreeItem(renderName(record));
    item.id = `videos:render:${record.videoId}`;
    const parts = [statusLabel(record.status)];
    if (watching && !isFinished(record.status)) {
      parts.push(formatElapsed(Date.now() - record.startedAt));
    } else if (record.duration !== undefined && record.status === 'completed') {
      parts.push(vscode.l10n.t('{0} s', formatSeconds(record.duration)));
    }
    if (!watching && !isFinished(record.status)) {
      parts.push(vscode.l10n.t('not watched'));
    }
    item.description = [...parts, path.basename(record.payloadPath ?? record.payloadName)].join(' · ');
    item.iconPath = new vscode.ThemeIcon(
      watching && !(record.status === 'completed' && record.saved)
        ? 'loading~spin'
        : record.status === 'failed'
          ? 'error'
          : record.status === 'completed'
            ? record.saved
              ? 'pass'
              : 'cloud-download'
            : 'eye-closed',
    );
    // Plain text (never Markdown): titles and HeyGen's messages are shown as they are.
    item.tooltip = [
      renderName(record),
      vscode.l10n.t('Video ID: {0}', record.videoId),
      record.payloadPath ? vscode.l10n.t('Payload: {0}', record.payloadPath) : undefined,
      record.saved ? vscode.l10n.t('Saved as {0}', record.target) : undefined,
      record.failureMessage ? vscode.l10n.t('HeyGen: {0}', record.failureMessage) : undefined,
    ]
      .filter((line) => line !== undefined)
      .join('\n');
    const flags = ['video', 'render', record.status, record.saved ? 'saved' : '', record.payloadPath ? 'payload' : '', !watching && !isFinished(record.status) ? 'unwatched' : ''];
    item.contextValue = flags.filter(Boolean).join(' ');
    return item;
  }

  private accountItem(video: ListedVideo): vscode.TreeItem {
    const item = new vscode.TreeItem(video.title ?? video.id);
    item.id = `videos:account:${video.id}`;
    const parts = [statusLabel(video.status)];
    if (video.duration !== undefined) {
      parts.push(vscode.l10n.t('{0} s', formatSeconds(video.duration)));
    }
    if (video.createdAt !== undefined) {
      parts.push(relativeTime(video.createdAt, Date.now(), vscode.env.language));
    }
    item.description = parts.join(' · ');
    item.iconPath = new vscode.ThemeIcon(video.status === 'failed' ? 'error' : video.status === 'completed' ? 'device-camera-video' : 'clock');
    item.tooltip = [video.title ?? video.id, vscode.l10n.t('Video ID: {0}', video.id)].join('\n');
    item.contextValue = `video account ${video.status}`;
    return item;
  }

  private noteItem(note: 'noKey' | 'loading' | 'problem' | 'empty'): vscode.TreeItem {
    const { listing } = this.service;
    const texts = {
      noKey: vscode.l10n.t('Set your HeyGen API key to list the account’s videos.'),
      loading: vscode.l10n.t('Listing the account’s videos…'),
      problem: vscode.l10n.t('The videos could not be listed: {0}', listing.problem ?? ''),
      empty: vscode.l10n.t('The account has no videos yet.'),
    };
    const item = new vscode.TreeItem(texts[note]);
    item.id = `videos:note:${note}`;
    item.iconPath = new vscode.ThemeIcon(note === 'loading' ? 'loading~spin' : note === 'problem' ? 'warning' : 'info');
    if (note === 'noKey') {
      item.command = { command: CommandId.SetApiKey, title: vscode.l10n.t('Set API Key') };
    } else if (note === 'problem') {
      item.command = { command: CommandId.RefreshVideos, title: vscode.l10n.t('Retry') };
      item.tooltip = listing.problem;
    }
    item.contextValue = 'videosNote';
    return item;
  }

  dispose(): void {
    vscode.Disposable.from(...this.subscriptions.splice(0)).dispose();
  }
}
