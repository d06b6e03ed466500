import * as vscode from 'vscode';
import type { PayloadVersion, ReferenceMode } from '../../core/payload/buildSnippet';
import { DEFAULT_API_BASE_URL } from '../../core/heygen/v3Client';
import type { AddressPolicy } from '../../core/http/addressGuard';
import type { HttpSettings } from '../../core/http/httpClient';
import type { Routing } from '../../core/http/proxyRouting';
import type { ApiVersion } from '../../core/base/assetRecord';
import { silentLogger, type Logger } from '../../core/base/logger';
import { currentRouting } from './proxyResolver';

export const DEFAULT_UPLOAD_URL = 'https://upload.heygen.com/v1/asset';

/**
 * One typed getter per setting. Endpoint settings are read from the user (global) value only: a
 * workspace must never redirect the key elsewhere, even if VS Code's scope rules were bypassed.
 */
export class Configuration {
  constructor(private readonly log: Logger = silentLogger) {}

  private get section(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration('heygen');
  }

  get uploadUrl(): string {
    const inspected = this.section.inspect<string>('uploadUrl');
    const value = inspected?.globalValue ?? inspected?.defaultValue ?? DEFAULT_UPLOAD_URL;
    return value.trim() || DEFAULT_UPLOAD_URL;
  }

  /** `heygen.api.version`, user settings only: which API uploads go to; v3 unless the person chose v1. */
  get apiVersion(): ApiVersion {
    const inspected = this.section.inspect<string>('api.version');
    return (inspected?.globalValue ?? inspected?.defaultValue) === 'v1' ? 'v1' : 'v3';
  }

  /** Switches uploads to another API version in the user's settings (never a workspace's). */
  async useApiVersion(version: ApiVersion): Promise<void> {
    await this.section.update('api.version', version, vscode.ConfigurationTarget.Global);
  }

  /** `heygen.apiBaseUrl`, user settings only: where every v3 request goes (the key goes with it). */
  get apiBaseUrl(): string {
    const inspected = this.section.inspect<string>('apiBaseUrl');
    const value = inspected?.globalValue ?? inspected?.defaultValue ?? DEFAULT_API_BASE_URL;
    return value.trim() || DEFAULT_API_BASE_URL;
  }

  get maxUploadBytes(): number {
    const mb = this.section.inspect<number>('maxUploadSizeMB');
    const value = mb?.globalValue ?? mb?.defaultValue ?? 10;
    return Math.round(Math.max(1, value) * 1024 * 1024);
  }

  /** `heygen.maxUploadSizeMB` only when the person set it (v3 has larger limits of its own otherwise). */
  get userMaxUploadBytes(): number | undefined {
    const mb = this.section.inspect<number>('maxUploadSizeMB')?.globalValue;
    return typeof mb === 'number' && Number.isFinite(mb) ? Math.round(Math.max(1, mb) * 1024 * 1024) : undefined;
  }

  get concurrency(): number {
    return clampInt(this.section.get<number>('upload.concurrency', 3), 1, 8);
  }

  get connectTimeoutMs(): number {
    return Math.max(1, this.section.get<number>('upload.connectTimeoutSeconds', 15)) * 1000;
  }

  get idleTimeoutMs(): number {
    return Math.max(1, this.section.get<number>('upload.idleTimeoutSeconds', 60)) * 1000;
  }

  get reuseIdenticalFiles(): boolean {
    return this.section.get<boolean>('upload.reuseIdenticalFiles', true);
  }

  /** User settings only: the history file is shared by every window, so a workspace must not be able to shrink it. */
  get historyMaxEntries(): number {
    const inspected = this.section.inspect<number>('history.maxEntries');
    return clampInt(inspected?.globalValue ?? inspected?.defaultValue ?? 1000, 1, 100_000);
  }

  get snippetAvatarId(): string {
    return this.section.get<string>('snippet.avatarId', '').trim();
  }

  get snippetVoiceId(): string {
    return this.section.get<string>('snippet.voiceId', '').trim();
  }

  /** `heygen.snippet.reference`: how fragments and replaced paths point at an asset (`auto`: ids in v3 bodies). */
  get snippetReference(): ReferenceMode {
    const value = this.section.get<string>('snippet.reference', 'auto');
    return value === 'url' || value === 'assetId' ? value : 'auto';
  }

  /** `heygen.payload.version`: which body Insert, drop and paste write into a file that holds no payload yet. */
  get payloadVersion(): PayloadVersion {
    return this.section.get<string>('payload.version', 'v3') === 'v2' ? 'v2' : 'v3';
  }

  /** `heygen.video.saveFolder`: where rendered videos go, relative to the payload's folder ('' = that folder). */
  get videoSaveFolder(): string {
    return this.section.get<string>('video.saveFolder', '').trim();
  }

  /**
   * How requests reach the network, read afresh at each call (so a changed setting applies to the next request):
   * the timeouts, and the proxy routing of VS Code's settings (`http.proxy`, `http.noProxy`, `http.proxyStrictSSL`,
   * `http.proxySupport`), the environment and VS Code's own resolver (src/vscode/configuration/proxyResolver.ts).
   */
  get http(): HttpSettings {
    return { connectTimeoutMs: this.connectTimeoutMs, idleTimeoutMs: this.idleTimeoutMs, routing: this.routing };
  }

  get routing(): Routing {
    return currentRouting(this.log);
  }

  /**
   * Which addresses a URL download may reach (the application-scope `heygen.download.allowPrivateNetworks`, user
   * settings only): `any` when it is on; else a URL the person typed or dropped (`typed`) may name a private address
   * itself, and any other URL (an agent tool's, another extension's, a file's) reaches only public ones.
   */
  downloadAddresses(typed: boolean): AddressPolicy {
    const inspected = this.section.inspect<boolean>('download.allowPrivateNetworks');
    if ((inspected?.globalValue ?? inspected?.defaultValue) === true) {
      return 'any';
    }
    return typed ? 'named' : 'publicOnly';
  }

  /** Fires when any `heygen.*` setting changes; `key` is the part after `heygen.`. */
  onDidChange(listener: (affects: (key: string) => boolean) => void): vscode.Disposable {
    return vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('heygen')) {
        listener((key) => e.affectsConfiguration(`heygen.${key}`));
      }
    });
  }
}

function clampInt(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(value)));
}
