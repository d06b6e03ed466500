import * as vscode from 'vscode';
import type { ReferenceMode } from '../../core/payload/buildSnippet';
import { DEFAULT_API_BASE_URL } from '../../core/heygen/v3Client';
import { proxyFromEnvironment, splitNoProxy, type ProxySettings } from '../../core/http/proxyPolicy';
import type { ApiVersion } from '../../core/base/assetRecord';

export const DEFAULT_UPLOAD_URL = 'https://upload.heygen.com/v1/asset';

/**
 * One typed getter per setting. Endpoint settings are read from the user (global) value only: a
 * workspace must never redirect the key elsewhere, even if VS Code's scope rules were bypassed.
 */
export class Configuration {
  private get section(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration('heygen');
  }

  get uploadUrl(): string {
    const inspected = this.section.inspect<string>('uploadUrl');
    const value = inspected?.globalValue ?? inspected?.defaultValue ?? DEFAULT_UPLOAD_URL;
    return value.trim() || DEFAULT_UPLOAD_URL;
  }

  /** `heygen.api.version`, user settings only: which API uploads go to. */
  get apiVersion(): ApiVersion {
    const inspected = this.section.inspect<string>('api.version');
    return (inspected?.globalValue ?? inspected?.defaultValue) === 'v3' ? 'v3' : 'v1';
  }

  /** Switches uploads to API v3 in the user's settings (never a workspace's). */
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

  /** `heygen.snippet.reference`: how fragments and replaced paths point at an asset. */
  get snippetReference(): ReferenceMode {
    return this.section.get<string>('snippet.reference', 'url') === 'assetId' ? 'assetId' : 'url';
  }

  /** `heygen.video.saveFolder`: where rendered videos go, relative to the payload's folder ('' = that folder). */
  get videoSaveFolder(): string {
    return this.section.get<string>('video.saveFolder', '').trim();
  }

  /**
   * The proxy VS Code itself uses: `http.proxy` (with `http.noProxy` and `http.proxyStrictSSL`), else HTTPS_PROXY /
   * HTTP_PROXY and NO_PROXY from the environment. Undefined when there is none.
   */
  get proxy(): ProxySettings | undefined {
    const http = vscode.workspace.getConfiguration('http');
    if (http.get<string>('proxySupport') === 'off') {
      return undefined;
    }
    const fromEnv = proxyFromEnvironment(process.env);
    const configured = http.get<string>('proxy', '').trim();
    const url = configured || fromEnv.url;
    if (!url) {
      return undefined;
    }
    const noProxySetting = http.get<string[] | string>('noProxy', []);
    const noProxy = [
      ...(Array.isArray(noProxySetting) ? noProxySetting.map((e) => e.trim().toLowerCase()) : splitNoProxy(noProxySetting)),
      ...fromEnv.noProxy,
    ];
    return { url, noProxy, strictSSL: http.get<boolean>('proxyStrictSSL', true) };
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
