/**
 * Check Payloads for Missing Assets (issue 25, item 4): every asset id the workspace's payloads name, asked about in
 * bulk, a problem on each reference (open or closed file) whose asset HeyGen no longer has; and the same check for
 * the ids of a body about to be rendered (the Generate Video hook). Answers go into the library's stale marks, so an
 * opened payload shows the same problem with its Upload the Source Again quick fix.
 */
import * as vscode from 'vscode';
import { errorMessage } from '../../core/base/errorMessage';
import { HeyGenError } from '../../core/base/heygenError';
import { isAssetId } from '../../core/heygen/assetId';
import { MAX_STATUS_IDS, assetStatuses } from '../../core/heygen/assetStatuses';
import { createV3LibraryApi, type V3EnvelopeCall } from '../../core/heygen/libraryApi';
import { getCurrentUser, v3RequestEnvelope, type V3Endpoint } from '../../core/heygen/v3Client';
import type { LibraryIndex } from '../../core/library/libraryIndex';
import { findAssetReferences } from '../../core/payload/assetReferences';
import { problemMessages } from '../../core/payload/payloadProblems';
import { checkAssets, type AssetCheckResult } from '../../core/references/assetCheck';
import type { ApiKeyService } from '../apiKey/apiKeyCommands';
import type { Configuration } from '../configuration/configuration';
import type { Log } from '../log/log';
import type { RenderCandidate } from '../videos/generateVideo';
import type { WorkspaceReferences } from './workspaceReferences';

/** The existing payload problems' source and code: an opened file's own pass and its quick fix take over. */
const SOURCE = 'HeyGen';
const GONE_CODE = 'gone';

export interface PayloadCheckDeps {
  references: WorkspaceReferences;
  library: Pick<LibraryIndex, 'isGone' | 'lastChecked' | 'applyChecks' | 'get'>;
  config: Pick<Configuration, 'apiBaseUrl' | 'http'>;
  apiKeys: Pick<ApiKeyService, 'get'>;
  log: Log;
}

export interface PayloadCheckResult extends AssetCheckResult {
  /** Files that got a problem. */
  files: string[];
}

export class PayloadCheck implements vscode.Disposable {
  /** Problems of files that are not open (an open one has the payload features' own pass). */
  readonly collection = vscode.languages.createDiagnosticCollection('heygen-references');
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly deps: PayloadCheckDeps) {
    this.subscriptions.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((d) => this.collection.delete(d.uri)),
      vscode.workspace.onDidCloseTextDocument((d) => d.uri.scheme === 'file' && this.publish(d.uri.fsPath)),
      deps.references.onDidChange((files) => files.forEach((f) => this.publish(f))),
    );
  }

  /** Asks HeyGen about every id the workspace's payloads name (`force`: even those asked within 12 hours). */
  async checkWorkspace(force: boolean, signal?: AbortSignal): Promise<PayloadCheckResult> {
    await this.deps.references.whenReady();
    const ids = this.deps.references.referencedIds().filter(isAssetId);
    const result = await this.check(ids, force, signal);
    const files = new Set<string>();
    for (const id of result.gone) {
      for (const f of this.deps.references.referencesTo({ id })) {
        files.add(f.file);
      }
    }
    this.collection.clear();
    for (const file of this.deps.references.referencedFiles()) {
      this.publish(file);
    }
    return { ...result, files: [...files].sort() };
  }

  /** The Generate Video hook: a sentence naming the first asset of the body HeyGen no longer has, else undefined. */
  readonly beforeRender = async (candidate: RenderCandidate, _document: vscode.TextDocument | undefined, signal?: AbortSignal): Promise<string | undefined> => {
    const ids = findAssetReferences(JSON.stringify(candidate.value), 'json')
      .filter((r) => r.takes === 'id' && isAssetId(r.value))
      .map((r) => r.value);
    if (ids.length === 0 || !(await this.deps.apiKeys.get())) {
      return undefined;
    }
    try {
      const { gone } = await this.check(ids, false, signal);
      return gone.length === 0 ? undefined : problemMessages.gone(this.deps.library.get(gone[0])?.name ?? gone[0]);
    } catch (error) {
      // The check helps; it never stands between the person and a render HeyGen itself will judge.
      this.deps.log.warn(`The payload's assets could not be checked before the render: ${errorMessage(error)}`);
      return undefined;
    }
  };

  dispose(): void {
    for (const s of this.subscriptions) {
      s.dispose();
    }
  }

  private async check(ids: readonly string[], force: boolean, signal?: AbortSignal): Promise<AssetCheckResult> {
    const found = await this.deps.apiKeys.get();
    if (!found) {
      throw new HeyGenError('auth', vscode.l10n.t('No HeyGen API key is set.'));
    }
    const endpoint: V3Endpoint = { apiBaseUrl: this.deps.config.apiBaseUrl, apiKey: found.key, ...this.deps.config.http, log: this.deps.log };
    const call: V3EnvelopeCall = (method, p, options) => v3RequestEnvelope(endpoint, method, p, options);
    const api = createV3LibraryApi(
      () => Promise.resolve(call),
      async (s) => (await getCurrentUser(endpoint, s)).username,
    );
    const result = await checkAssets(
      ids,
      {
        marks: this.deps.library,
        bulk: (batch, s) => assetStatuses(call, batch, s),
        single: async (id, s) => (await api.get(id, s)) !== undefined,
        batchSize: MAX_STATUS_IDS,
        now: Date.now,
        // A 404 means "gone" only from a HeyGen that knows this key: a wrong base URL answers 404 to everything.
        beforeSingle: (s) => api.account(s).then(() => undefined),
      },
      { force, signal },
    );
    this.deps.log.info(`Check Payloads: ${ids.length} asset id(s), ${result.asked} asked in ${result.requests} request(s); gone: ${result.gone.join(', ') || 'none'}.`);
    return result;
  }

  /** The problems of one closed file, from the index and the library's marks. */
  private publish(file: string): void {
    const uri = vscode.Uri.file(file);
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) {
      this.collection.delete(uri);
      return;
    }
    const diagnostics = this.deps.references
      .referencesIn(file)
      .filter((r) => r.takes === 'id' && this.deps.library.isGone(r.value))
      .map((r) => {
        const d = new vscode.Diagnostic(new vscode.Range(r.line, r.character, r.endLine, r.endCharacter), problemMessages.gone(this.deps.library.get(r.value)?.name ?? r.value), vscode.DiagnosticSeverity.Warning);
        d.source = SOURCE;
        d.code = GONE_CODE;
        return d;
      });
    if (diagnostics.length > 0) {
      this.collection.set(uri, diagnostics);
    } else {
      this.collection.delete(uri);
    }
  }
}
