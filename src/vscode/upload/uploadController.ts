import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ApiKeyService } from '../apiKey/apiKeyCommands';
import { CommandId } from '../commands/commandIds';
import type { Configuration } from '../configuration/configuration';
import type { AssetRecord } from '../../core/base/assetRecord';
import type { HistoryStore } from '../../core/history/historyStore';
import type { Log } from '../log/log';
import { supportedTypeList } from '../../core/base/mediaKinds';
import { checkEndpoint } from '../../core/http/endpointPolicy';
import {
  UploadBatchService,
  nameFromUrl,
  noticeFor,
  recoverRefusedKey,
  type BatchItemFailure,
  type BatchOutcome,
  type BatchSource,
} from '../../core/upload/uploadBatch';
import { expandSelection } from './uploadInputs';
import { showNotice } from './uploadNotices';
import type { BatchFailure, BatchResult, UploadPort, UploadRequestOptions } from './uploadPort';
import { UploadStatusItem, progressNotificationClosed, withUploadProgress } from './uploadProgress';
import { showErrorWithLog } from '../log/showLogAction';

type Source = BatchSource<vscode.Uri>;

export interface UploadControllerDeps {
  config: Configuration;
  log: Log;
  apiKeys: ApiKeyService;
  history: HistoryStore;
  /** Whether HeyGen still has an earlier upload about to be reused for an identical file (the Library knows). */
  stillOnHeyGen?: (record: AssetRecord, signal?: AbortSignal) => Promise<boolean>;
}

/**
 * The UploadPort every entry point calls: resolves the endpoint and the key, runs the vscode-free batch service
 * under the progress notification and the status-bar item, recovers from a refused key and shows the one
 * notification for the batch. Nothing here knows HTTP.
 */
export class UploadController implements UploadPort, vscode.Disposable {
  private readonly status = new UploadStatusItem();
  private readonly service: UploadBatchService;

  constructor(private readonly deps: UploadControllerDeps) {
    this.service = new UploadBatchService({
      history: deps.history,
      log: deps.log,
      scrub: (text) => deps.log.scrub(text),
      stillOnHeyGen: deps.stillOnHeyGen,
    });
  }

  dispose(): void {
    this.status.dispose();
  }

  /** Uploads files and folders (expanded to their supported files). */
  async upload(uris: readonly vscode.Uri[], options: UploadRequestOptions = {}): Promise<BatchResult> {
    const expanded = await expandSelection(uris);
    if (expanded === undefined) {
      options.onSettled?.();
      return { succeeded: [], failed: [], cancelled: true };
    }
    const { files, emptyFolders } = expanded;
    if (files.length === 0) {
      void vscode.window.showWarningMessage(vscode.l10n.t('There is no {0} file to upload there.', supportedTypeList()));
      options.onSettled?.();
      return { succeeded: [], failed: [], cancelled: false };
    }
    // A folder with nothing to upload, selected along with files, is a failure of its own rather than silence.
    const refused: BatchFailure[] = emptyFolders.map((uri) => {
      const name = path.basename(uri.fsPath);
      const message = vscode.l10n.t('"{0}" is a folder with no {1} file in it.', name, supportedTypeList());
      return { uri, name, message, kind: 'invalidFile', retryable: false };
    });
    const sources = files.map((uri): Source => {
      const expect = options.approved?.get(uri.fsPath);
      return { kind: 'file', ref: uri, name: path.basename(uri.fsPath), path: uri.fsPath, ...(expect ? { expect } : {}) };
    });
    return this.run(sources, options, refused);
  }

  async uploadUrl(url: string, options: UploadRequestOptions = {}): Promise<BatchResult> {
    return this.run([{ kind: 'url', ref: uriForUrl(url), url, name: nameFromUrl(url) }], options);
  }

  private async run(sources: Source[], options: UploadRequestOptions, refused: BatchFailure[] = []): Promise<BatchResult> {
    const { config, log, apiKeys } = this.deps;
    const settle = once(options.onSettled);
    // v3 sends everything under heygen.apiBaseUrl, v1 to heygen.uploadUrl: the same rules for either.
    const v3 = config.apiVersion === 'v3';
    const endpoint = checkEndpoint(v3 ? config.apiBaseUrl : config.uploadUrl);
    if (!endpoint.valid) {
      log.error(`Upload endpoint refused: ${endpoint.reason}`);
      const openSettings = vscode.l10n.t('Open Settings');
      void Promise.resolve(vscode.window.showErrorMessage(vscode.l10n.t('Nothing was uploaded: {0}', log.scrub(endpoint.reason)), openSettings))
        .then((choice) => choice === openSettings && vscode.commands.executeCommand('workbench.action.openSettings', v3 ? 'heygen.apiBaseUrl' : 'heygen.uploadUrl'))
        .catch((error: unknown) => log.error(`Could not open the settings: ${String(error)}`));
      settle();
      const all = toBatchResult(this.service.refuseAll(sources, endpoint.reason, 'insecureEndpoint'));
      return { ...all, failed: [...refused, ...all.failed] };
    }

    const key = await apiKeys.ensure();
    if (key === undefined) {
      const setKey = vscode.l10n.t('Set API Key');
      void Promise.resolve(vscode.window.showWarningMessage(vscode.l10n.t('Upload cancelled: no HeyGen API key is set.'), setKey))
        .then((choice) => choice === setKey && vscode.commands.executeCommand(CommandId.SetApiKey))
        .catch((error: unknown) => log.error(`Could not start Set API Key: ${String(error)}`));
      settle();
      return { succeeded: [], failed: [], cancelled: true };
    }

    let progressShownAt = 0;
    const pass = (batch: Source[], apiKey: string): Promise<BatchOutcome<vscode.Uri>> =>
      this.status.during(batch.length, async () =>
        withUploadProgress(batch, log, options.signal, (sink, signal) => {
          progressShownAt = Date.now();
          return this.service.run(batch, {
            target: {
              api: config.apiVersion,
              apiBaseUrl: config.apiBaseUrl,
              endpoint: endpoint.url.toString(),
              apiKey,
              ...config.http,
            },
            addresses: config.downloadAddresses(options.typedByPerson === true),
            concurrency: config.concurrency,
            maxBytes: config.maxUploadBytes,
            userMaxBytes: config.userMaxUploadBytes,
            reuseIdenticalFiles: config.reuseIdenticalFiles,
            force: options.force,
            signal,
            onProgress: (source, sent, total) => sink.update(source, sent, total),
            onFinished: (source) => sink.finish(source),
          });
        }),
      );

    const { outcome, refusedKeyReported } = await recoverRefusedKey(await pass(sources, key), (failed) => this.askForNewKey(failed), pass);
    const result = toBatchResult(outcome);
    const withRefused = refused.length > 0 ? { ...result, failed: [...refused, ...result.failed] } : result;
    const notice = noticeFor(
      refused.length > 0 ? { ...outcome, failed: [...refused.map(refusedFolder), ...outcome.failed] } : outcome,
      {
        quiet: options.quiet,
        callerCancelled: options.signal?.aborted,
        refusedKeyReported,
        offerRetry: options.offerRetry,
      },
    );
    // The files a retry or a switch to v3 names go again through run(); the caller hears of their result before it
    // may let go of its sources.
    const again = async (failures: ReadonlyArray<BatchItemFailure<vscode.Uri>>): Promise<void> => {
      let retrySettled = false;
      let retryHandled = false;
      const settleAfterBoth = (): void => {
        if (retrySettled && retryHandled) {
          settle();
        }
      };
      try {
        const retried = await this.run(
          failures.map((f) => f.source),
          { ...options, signal: undefined, onSettled: () => ((retrySettled = true), settleAfterBoth()) },
        );
        await options.onRetried?.(retried);
      } catch (error) {
        retrySettled = true;
        throw error;
      } finally {
        retryHandled = true;
        settleAfterBoth();
      }
    };
    // The outcome's notification comes once the progress notification has closed, not beside it at 100 %.
    if (notice) {
      await progressNotificationClosed(progressShownAt);
    }
    showNotice(notice, log, {
      useV3: async (failures) => {
        await config.useApiVersion('v3');
        log.info('heygen.api.version set to v3 in the user settings; uploading again the files that failed.');
        return again(failures);
      },
      useV1: async (failures) => {
        await config.useApiVersion('v1');
        log.info('heygen.api.version set to v1 in the user settings; uploading again the files that failed.');
        return again(failures);
      },
      // Same options as the first attempt (a retried "Upload Again" must still force a new upload), but no caller's
      // signal: the caller has its answer, and only the new notification's Cancel stops the retry.
      retry: again,
      settled: settle,
    });
    return withRefused;
  }

  private async askForNewKey(refused: ReadonlyArray<BatchItemFailure<vscode.Uri>>): Promise<string | undefined> {
    const update = vscode.l10n.t('Update API Key');
    const message =
      refused.length === 1
        ? vscode.l10n.t('HeyGen refused the API key, so "{0}" was not uploaded.', refused[0].source.name)
        : vscode.l10n.t('HeyGen refused the API key, so {0} files were not uploaded.', refused.length);
    const choice = await showErrorWithLog(message, () => this.deps.log.show(), update);
    if (choice !== update) {
      return undefined;
    }
    return this.deps.apiKeys.prompt(vscode.l10n.t('HeyGen refused the previous key. Paste a valid API key to retry.'));
  }
}

function toBatchResult(outcome: BatchOutcome<vscode.Uri>): BatchResult {
  return {
    succeeded: outcome.succeeded.map((s) => ({ uri: s.source.ref, record: s.record, reused: s.reused })),
    failed: outcome.failed.map((f) => ({
      uri: f.source.ref,
      name: f.source.name,
      message: f.message,
      kind: f.kind,
      retryable: f.retryable,
      ...(f.docUrl ? { docUrl: f.docUrl } : {}),
      ...(f.offerV3 ? { offerV3: true } : {}),
      ...(f.offerV1 ? { offerV1: true } : {}),
    })),
    cancelled: outcome.cancelled,
  };
}

/** An empty folder as a failure of the batch's summary (never retried: there is nothing in it to send). */
function refusedFolder(failure: BatchFailure): BatchItemFailure<vscode.Uri> {
  return {
    source: { kind: 'file', ref: failure.uri, name: failure.name, path: failure.uri.fsPath },
    message: failure.message,
    kind: failure.kind,
    retryable: false,
  };
}

function once(callback: (() => void) | undefined): () => void {
  let called = false;
  return () => {
    if (!called) {
      called = true;
      callback?.();
    }
  };
}

/**
 * The URI that identifies a URL source in results. A string from a command argument or the API may not be a URL at
 * all; parsing must not throw then, so the engine can refuse it in a sentence that names it.
 */
function uriForUrl(url: string): vscode.Uri {
  try {
    return vscode.Uri.parse(url, true);
  } catch {
    return vscode.Uri.from({ scheme: 'heygen-invalid-url', path: `/${encodeURIComponent(url)}` });
  }
}
