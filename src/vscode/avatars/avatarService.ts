import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ApiKeyService } from '../apiKey/apiKeyCommands';
import type { Configuration } from '../configuration/configuration';
import type { Log } from '../log/log';
import type { SessionStart } from '../activation/sessionStart';
import { AvatarCatalog, type CatalogChangeReason } from '../../core/avatars/avatarCatalog';
import { cacheFileFor } from '../../core/avatars/catalogCache';
import { v3CatalogSource, type CatalogSource } from '../../core/avatars/catalogSource';
import { keyFingerprint } from '../../core/base/contentHash';
import { HeyGenError } from '../../core/base/heygenError';
import type { V3Endpoint } from '../../core/heygen/v3Client';

export interface AvatarServiceDeps {
  config: Configuration;
  apiKeys: ApiKeyService;
  log: Log;
  /** A need for the lists starts HeyGen work in this window (never activation: see SessionStart). */
  session: SessionStart;
  /** Global storage: the cache files live in its `avatars` folder. */
  storageDir: string;
}

/** What changed: the current catalogue's content, or which catalogue is current (another key or base URL). */
export type AvatarServiceChange = CatalogChangeReason | 'owner';

/**
 * The account's catalogue for the current API key and base URL: opened from its cache file when first asked for
 * (reading disk and SecretStorage, never HeyGen), listed when a payload feature, picker or tool needs it. Another key
 * or base URL has a catalogue and a cache file of its own; switching back finds it again.
 */
export class AvatarService implements vscode.Disposable {
  private readonly catalogs = new Map<string, Promise<AvatarCatalog>>();
  private owner: Promise<string | undefined> | undefined;
  private latest: AvatarCatalog | undefined;
  private readonly emitter = new vscode.EventEmitter<AvatarServiceChange>();
  readonly onDidChange = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[] = [this.emitter];

  constructor(private readonly deps: AvatarServiceDeps) {
    const forget = (): void => {
      this.owner = undefined;
      this.latest = undefined;
      this.emitter.fire('owner');
    };
    this.subscriptions.push(
      deps.apiKeys.onDidChange(forget),
      deps.config.onDidChange((affects) => affects('apiBaseUrl') && forget()),
    );
  }

  /** The catalogue last opened, at once (undefined until one was). */
  get current(): AvatarCatalog | undefined {
    return this.latest;
  }

  /** The current key's catalogue as cached, without asking HeyGen; undefined when no key is set. */
  async catalog(): Promise<AvatarCatalog | undefined> {
    this.owner ??= this.findOwner();
    const owner = await this.owner;
    if (owner === undefined) {
      // Not remembered: a key set a moment ago (its change event still on its way) counts at once.
      this.owner = undefined;
      return undefined;
    }
    let opening = this.catalogs.get(owner);
    if (!opening) {
      opening = this.open(owner);
      this.catalogs.set(owner, opening);
      opening.catch(() => this.catalogs.delete(owner));
    }
    const catalog = await opening;
    this.latest = catalog;
    return catalog;
  }

  /**
   * The catalogue when something needs the lists (completion, hover, a picker, the agent tool): HeyGen work starts,
   * and the once-a-day listing runs in the background. Answers at once with what is cached.
   */
  async need(): Promise<AvatarCatalog | undefined> {
    const catalog = await this.catalog();
    if (catalog) {
      this.deps.session.start('payload');
      void catalog.ensureFresh();
    }
    return catalog;
  }

  /** The key, asking the person for one (with `why`) when none is set; undefined when they decline. */
  async ensureKey(why: string): Promise<string | undefined> {
    return (await this.deps.apiKeys.get())?.key ?? (await this.deps.apiKeys.prompt(why));
  }

  /** Where v3 requests go now; a missing key is an `auth` failure. */
  async endpoint(): Promise<V3Endpoint> {
    const found = await this.deps.apiKeys.get();
    if (!found) {
      throw new HeyGenError('auth', vscode.l10n.t('No HeyGen API key is set.'));
    }
    return { apiBaseUrl: this.deps.config.apiBaseUrl, apiKey: found.key, ...this.deps.config.http, log: this.deps.log };
  }

  private async findOwner(): Promise<string | undefined> {
    const found = await this.deps.apiKeys.get();
    return found ? ownerOf(found.key, this.deps.config.apiBaseUrl) : undefined;
  }

  private async open(owner: string): Promise<AvatarCatalog> {
    // Requests go with the key the catalogue belongs to: a listing still running when the key changes must not file
    // another account's looks under this one.
    const source: CatalogSource = v3CatalogSource(async () => {
      const endpoint = await this.endpoint();
      if (ownerOf(endpoint.apiKey, endpoint.apiBaseUrl) !== owner) {
        throw new HeyGenError('cancelled', vscode.l10n.t('The API key or base URL changed while listing avatars.'));
      }
      return endpoint;
    });
    const catalog = await AvatarCatalog.open(cacheFileFor(path.join(this.deps.storageDir, 'avatars'), owner), { source, owner, log: this.deps.log });
    this.subscriptions.push(
      catalog,
      catalog.onDidChange((reason) => {
        if (catalog === this.latest) {
          this.emitter.fire(reason);
        }
      }),
    );
    return catalog;
  }

  /** A new catalogue's source for one-off calls (a photo avatar's training): bound to the current key. */
  get source(): CatalogSource {
    return v3CatalogSource(() => this.endpoint());
  }

  /**
   * For tests: drops every catalogue and its cache file, as on a machine that never listed (the next need lists).
   */
  async forgetAll(): Promise<void> {
    const opened = [...this.catalogs.values()];
    this.catalogs.clear();
    this.owner = undefined;
    this.latest = undefined;
    for (const opening of opened) {
      const catalog = await opening.catch(() => undefined);
      await catalog?.flush();
      catalog?.dispose();
    }
    await fs.rm(path.join(this.deps.storageDir, 'avatars'), { recursive: true, force: true });
    this.emitter.fire('owner');
  }

  dispose(): void {
    vscode.Disposable.from(...this.subscriptions.splice(0)).dispose();
  }
}

/** What host tests see of the avatars feature (extension test runs only). */
export interface AvatarsTestApi {
  /** The current catalogue's state (undefined before one was opened). */
  state(): { looks: number; voices: number; complete: boolean; loading: boolean; problem: string | undefined } | undefined;
  /** Fires when the current catalogue changes or another becomes current. */
  onDidChange: vscode.Event<AvatarServiceChange>;
  forgetAll(): Promise<void>;
}

export function avatarsTestApi(service: AvatarService): AvatarsTestApi {
  return {
    state: () => {
      const c = service.current;
      return c && { looks: c.looks().length, voices: c.voices().length, complete: c.complete, loading: c.loading, problem: c.problem };
    },
    onDidChange: service.onDidChange,
    forgetAll: () => service.forgetAll(),
  };
}

/** A catalogue belongs to a key (only its one-way fingerprint is kept) at a base URL. */
export function ownerOf(key: string, apiBaseUrl: string): string {
  return `${keyFingerprint(key)}@${apiBaseUrl.trim().replace(/\/+$/, '')}`;
}
