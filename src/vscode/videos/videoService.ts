import * as path from 'node:path';
import * as vscode from 'vscode';
import { keyFingerprint } from '../../core/base/contentHash';
import { HeyGenError } from '../../core/base/heygenError';
import type { V3Endpoint } from '../../core/heygen/v3Client';
import type { VideoInfo } from '../../core/heygen/videoInfo';
import { RenderList, type RenderRecord } from '../../core/videos/renderList';
import { RenderTracker, type WatchOutcome } from '../../core/videos/renderTracker';
import { createVideoBackend } from '../../core/videos/videoBackend';
import { saveFolderFor, safeStem, videoFileName } from '../../core/videos/videoFiles';
import { VideoListing } from '../../core/videos/videoListing';
import type { ApiKeyService } from '../apiKey/apiKeyCommands';
import type { Configuration } from '../configuration/configuration';
import type { Log } from '../log/log';
import { watchWithProgress } from './renderNotices';

export interface VideoServiceDeps {
  config: Configuration;
  apiKeys: ApiKeyService;
  log: Log;
  /** `context.globalState`: the renders and the listing's cache (shared by every window, kept across reloads). */
  state: vscode.Memento;
  /** `context.globalStorageUri.fsPath`: where a video with no payload folder and no workspace goes. */
  globalStorage: string;
}

/**
 * The videos of this editor: the renders started here (watched, saved, kept across reloads), the account's listing,
 * and the HeyGen calls behind both, each made with the key and settings of the moment. Nothing is asked of HeyGen
 * unless a render is in flight or the person asks.
 */
export class VideoService implements vscode.Disposable {
  readonly renders: RenderList;
  readonly tracker: RenderTracker;
  readonly listing: VideoListing;
  readonly backend: ReturnType<typeof createVideoBackend>;
  private readonly finished = new vscode.EventEmitter<WatchOutcome>();
  /** Fires when a watch ends (completed and saved, failed, stopped, or given up), after its notification. */
  readonly onDidFinishWatch = this.finished.event;
  private readonly subscriptions: vscode.Disposable[] = [this.finished];

  constructor(private readonly deps: VideoServiceDeps) {
    this.renders = new RenderList(deps.state, deps.log);
    this.backend = createVideoBackend(() => this.endpoint());
    this.tracker = new RenderTracker(this.renders, this.backend, { log: deps.log });
    // The owner is known once the key is read (a round trip to the window): the cache shows from then on.
    this.listing = new VideoListing(deps.state, this.backend, { owner: undefined, log: deps.log });
    void this.owner().then((owner) => this.listing.setOwner(owner));
    this.subscriptions.push(
      deps.apiKeys.onDidChange(() => void this.owner().then((owner) => this.listing.setOwner(owner))),
      deps.config.onDidChange((affects) => affects('apiBaseUrl') && void this.owner().then((owner) => this.listing.setOwner(owner))),
    );
  }

  get log(): Log {
    return this.deps.log;
  }

  get config(): Configuration {
    return this.deps.config;
  }

  get apiKeys(): ApiKeyService {
    return this.deps.apiKeys;
  }

  /** Where v3 requests go now, with the current key; a sentence saying so when no key is set. */
  async endpoint(apiKey?: string): Promise<V3Endpoint> {
    const key = apiKey ?? (await this.deps.apiKeys.get())?.key;
    if (!key) {
      throw new HeyGenError('auth', vscode.l10n.t('No HeyGen API key is set.'));
    }
    const { config, log } = this.deps;
    return { apiBaseUrl: config.apiBaseUrl, apiKey: key, ...config.http, log };
  }

  /** Whose listing is cached: a fingerprint of the key at the base URL (never the key). */
  async owner(): Promise<string | undefined> {
    const found = await this.deps.apiKeys.get();
    return found ? `${keyFingerprint(found.key)}@${this.deps.config.apiBaseUrl}` : undefined;
  }

  /** The MP4's path for a payload: its folder (or `heygen.video.saveFolder` relative to it) and `<name>-<id>.mp4`. */
  targetFor(payloadDir: string, stem: string, videoId: string, extension: 'mp4' | 'webm' = 'mp4'): string {
    return path.join(saveFolderFor(payloadDir, this.deps.config.videoSaveFolder), videoFileName(stem, videoId, extension));
  }

  /** Where a video not started here goes: the first workspace folder (else global storage), named after its title. */
  targetForAccountVideo(video: { id: string; title?: string }): string {
    const known = this.renders.get(video.id);
    if (known) {
      return known.target;
    }
    return this.targetFor(this.defaultFolder(), safeStem(video.title ?? '', 'video'), video.id);
  }

  /** The folder a video goes to when no payload folder says where: the first workspace folder, else global storage. */
  defaultFolder(): string {
    return vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath ?? path.join(this.deps.globalStorage, 'videos');
  }

  /** A started render: kept, then watched with its progress notification. */
  async track(record: RenderRecord): Promise<void> {
    await this.renders.add(record);
    this.watch(record.videoId, false);
  }

  /** Watches one render with its notification; the outcome is announced and fired. Never rejects. */
  watch(videoId: string, resumed: boolean): void {
    void watchWithProgress(this, videoId, resumed).then(
      (outcome) => outcome && this.finished.fire(outcome),
      (error: unknown) => this.deps.log.error(`Watching video ${videoId} failed: ${String(error)}`),
    );
  }

  /**
   * After a reload: the renders this or another window was watching when it went are watched again, with the key
   * that started them. Asks HeyGen nothing when none is in flight.
   */
  async resumeAll(): Promise<number> {
    const inFlight = this.renders.inFlight().filter((r) => !this.tracker.isWatching(r.videoId));
    if (inFlight.length === 0) {
      return 0;
    }
    const found = await this.deps.apiKeys.get();
    const fingerprint = found ? keyFingerprint(found.key) : undefined;
    let resumed = 0;
    for (const record of inFlight) {
      if (record.keyFingerprint !== fingerprint) {
        this.deps.log.info(`Video ${record.videoId} was started with another API key; it is not watched with this one.`);
        await this.renders.update(record.videoId, { watching: false });
        continue;
      }
      this.deps.log.info(`Watching video ${record.videoId} again (started ${new Date(record.startedAt).toISOString()}).`);
      this.watch(record.videoId, true);
      resumed++;
    }
    return resumed;
  }

  /** Asks HeyGen for a video now (fresh URLs): a render of this machine where it lives, any other through v3. */
  async fresh(videoId: string, signal?: AbortSignal): Promise<VideoInfo> {
    return this.backend.status(this.renders.get(videoId)?.api ?? 'v3', videoId, signal);
  }

  dispose(): void {
    // The window is going: watches stop, their records stay marked as watched, so the next window resumes them.
    void this.tracker.suspendAll();
    vscode.Disposable.from(...this.subscriptions.splice(0)).dispose();
  }
}
