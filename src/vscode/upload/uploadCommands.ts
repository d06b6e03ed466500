import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ApiKeyService } from '../apiKey/apiKeyCommands';
import { CommandId, ContextKey } from '../commandIds';
import type { Configuration } from '../configuration/configuration';
import type { AssetRecord } from '../../core/history/assetRecord';
import type { HistoryStore } from '../../core/history/historyStore';
import type { Log } from '../log/log';
import { keyFingerprint } from '../../core/upload/contentHash';
import { checkEndpoint } from '../../core/upload/endpointPolicy';
import { isCertificateError } from '../../core/upload/certificateErrors';
import { dialogFilters, hasSupportedExtension, supportedTypeList, type AssetKind } from '../../core/upload/mediaKinds';
import type { UploadedAsset } from '../../core/upload/uploadedAsset';
import { uploadFromUrl, uploadLocalFile, type ReuseIndex, type UploadOutcome, type UploadTarget } from '../../core/upload/uploadEngine';
import { UploadError, type UploadErrorKind } from '../../core/upload/uploadErrors';
import { runQueue } from '../../core/upload/uploadQueue';
import { isRetryable } from '../../core/upload/retryPolicy';
import { formatSize } from '../../core/upload/validateFile';
import { withoutCredentials } from '../../core/upload/safeUrl';
import type { BatchFailure, BatchResult, BatchSuccess, UploadRequestOptions } from './uploadPort';

export type { BatchFailure, BatchResult, BatchSuccess, UploadRequestOptions } from './uploadPort';

/** Folders holding more supported files than this ask before uploading them all. */
const FOLDER_CONFIRM_THRESHOLD = 20;
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.vscode-test', '.hg', '.svn']);

type Source = { kind: 'file'; uri: vscode.Uri; name: string } | { kind: 'url'; uri: vscode.Uri; url: string; name: string };

interface Deps {
  config: Configuration;
  log: Log;
  apiKeys: ApiKeyService;
  history: HistoryStore;
}

/**
 * Turns URIs and URLs into uploads: resolves the key and endpoint, runs the batch with bounded parallelism
 * under one cancellable progress notification, records successes in the history and tells the person what
 * happened in one message. Everything HTTP lives in the vscode-free engine.
 */
export class UploadController implements vscode.Disposable {
  private readonly statusItem: vscode.StatusBarItem;
  private running = 0;

  constructor(private readonly deps: Deps) {
    this.statusItem = vscode.window.createStatusBarItem('heygen.uploads', vscode.StatusBarAlignment.Left, 5);
    this.statusItem.name = vscode.l10n.t('HeyGen Uploads');
    this.statusItem.command = CommandId.ShowLog;
  }

  dispose(): void {
    this.statusItem.dispose();
  }

  /** Uploads files and folders (expanded to their supported files). */
  async uploadUris(uris: readonly vscode.Uri[], options: UploadRequestOptions = {}): Promise<BatchResult> {
    const expanded = await this.expand(uris);
    if (expanded === undefined) {
      return { succeeded: [], failed: [], cancelled: true };
    }
    const { files, emptyFolders } = expanded;
    if (files.length === 0) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t('There is no {0} file to upload there.', supportedTypeList()),
      );
      return { succeeded: [], failed: [], cancelled: false };
    }
    // A folder with nothing to upload, selected along with files, is a failure of its own rather than silence.
    const refused: BatchFailure[] = emptyFolders.map((uri) => {
      const name = path.basename(uri.fsPath);
      const message = vscode.l10n.t('"{0}" is a folder with no {1} file in it.', name, supportedTypeList());
      return { uri, name, message, kind: 'invalidFile', retryable: false };
    });
    return this.run(
      files.map((uri) => ({ kind: 'file' as const, uri, name: path.basename(uri.fsPath) })),
      options,
      refused,
    );
  }

  async uploadUrl(url: string, options: UploadRequestOptions = {}): Promise<BatchResult> {
    return this.run([{ kind: 'url', uri: uriForUrl(url), url, name: nameFromUrl(url) }], options);
  }

  private async run(sources: Source[], options: UploadRequestOptions, refused: BatchFailure[] = []): Promise<BatchResult> {
    const { config, log, apiKeys } = this.deps;
    const endpoint = checkEndpoint(config.uploadUrl);
    if (!endpoint.valid) {
      log.error(`Upload endpoint refused: ${endpoint.reason}`);
      const openSettings = vscode.l10n.t('Open Settings');
      this.follow(
        vscode.window.showErrorMessage(vscode.l10n.t('Nothing was uploaded: {0}', log.scrub(endpoint.reason)), openSettings),
        (choice) => choice === openSettings && vscode.commands.executeCommand('workbench.action.openSettings', 'heygen.uploadUrl'),
      );
      const all = failAll(sources, endpoint.reason, 'insecureEndpoint');
      return { ...all, failed: [...refused, ...all.failed] };
    }

    const key = await apiKeys.ensure();
    if (key === undefined) {
      const setKey = vscode.l10n.t('Set API Key');
      this.follow(
        vscode.window.showWarningMessage(vscode.l10n.t('Upload cancelled: no HeyGen API key is set.'), setKey),
        (choice) => choice === setKey && vscode.commands.executeCommand(CommandId.SetApiKey),
      );
      return { succeeded: [], failed: [], cancelled: true };
    }

    let result = await this.runWithKey(sources, key, endpoint.url.toString(), options);

    // A refused key: offer to replace it and go on with the files it stopped.
    let refusedKeyReported = false;
    while (result.failed.some((f) => f.kind === 'auth') && !result.cancelled) {
      const authFailed = result.failed.filter((f) => f.kind === 'auth');
      const newKey = await this.askForNewKey(authFailed);
      if (newKey === undefined) {
        // The person has just read that the key was refused: the summary must not say it again.
        refusedKeyReported = true;
        break;
      }
      const retried = await this.runWithKey(
        sources.filter((s) => authFailed.some((f) => f.uri.toString() === s.uri.toString())),
        newKey,
        endpoint.url.toString(),
        { ...options, quiet: true },
      );
      result = {
        succeeded: [...result.succeeded, ...retried.succeeded],
        failed: [...result.failed.filter((f) => f.kind !== 'auth'), ...retried.failed],
        cancelled: retried.cancelled,
      };
    }
    if (refused.length > 0) {
      result = { ...result, failed: [...refused, ...result.failed] };
    }
    this.summarise(result, sources, options, refusedKeyReported);
    return result;
  }

  private async askForNewKey(authFailed: BatchFailure[]): Promise<string | undefined> {
    const update = vscode.l10n.t('Update API Key');
    const showLog = vscode.l10n.t('Show Log');
    const message =
      authFailed.length === 1
        ? vscode.l10n.t('HeyGen refused the API key, so "{0}" was not uploaded.', authFailed[0].name)
        : vscode.l10n.t('HeyGen refused the API key, so {0} files were not uploaded.', authFailed.length);
    const choice = await vscode.window.showErrorMessage(message, update, showLog);
    if (choice === showLog) {
      this.deps.log.show();
      return undefined;
    }
    if (choice !== update) {
      return undefined;
    }
    return this.deps.apiKeys.prompt(vscode.l10n.t('HeyGen refused the previous key. Paste a valid API key to retry.'));
  }

  private async runWithKey(
    sources: Source[],
    apiKey: string,
    endpoint: string,
    options: UploadRequestOptions,
  ): Promise<BatchResult> {
    const { config, log, history } = this.deps;
    const fingerprint = keyFingerprint(apiKey);
    const target: UploadTarget = {
      endpoint,
      apiKey,
      connectTimeoutMs: config.connectTimeoutMs,
      idleTimeoutMs: config.idleTimeoutMs,
      proxy: config.proxy,
    };
    const reuse: ReuseIndex | undefined = config.reuseIdenticalFiles
      ? {
          lookup: (sha256, fp) => toUploadedAsset(history.findBySha256(sha256, fp)),
          // Only a recorded asset of the same size can match: otherwise skip hashing up front and hash while sending.
          mayHave: (size, fp) => history.all().some((r) => r.size === size && r.keyFingerprint === fp),
        }
      : undefined;
    const maxBytes = config.maxUploadBytes;

    this.setRunning(+1, sources.length);
    try {
      return await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: sources.length === 1 ? vscode.l10n.t('Uploading to HeyGen') : vscode.l10n.t('Uploading {0} files to HeyGen', sources.length),
          cancellable: true,
        },
        async (progress, token) => {
          const abort = new AbortController();
          const cancelSub = token.onCancellationRequested(() => {
            log.info('Upload cancelled by the user.');
            abort.abort();
          });
          const onCallerAbort = (): void => {
            log.info('Upload cancelled by its caller.');
            abort.abort();
          };
          if (options.signal?.aborted) {
            abort.abort();
          }
          options.signal?.addEventListener('abort', onCallerAbort, { once: true });
          const meter = new BatchMeter(sources, progress);
          try {
            const settled = await runQueue(
              sources,
              config.concurrency,
              async (source, signal) => {
                const started = Date.now();
                log.info(`Uploading ${describe(source)} to ${endpoint}`);
                const common = {
                  maxBytes,
                  signal,
                  reuse,
                  force: options.force === true,
                  log,
                  onProgress: (sent: number, total: number) => meter.update(source, sent, total),
                };
                const outcome =
                  source.kind === 'file'
                    ? await uploadLocalFile(source.uri.fsPath, target, common)
                    : await uploadFromUrl(source.url, target, common);
                meter.finish(source);
                const record = toRecord(outcome, fingerprint);
                if (outcome.reused) {
                  log.info(`Reused asset ${record.id} for ${describe(source)}: identical content was uploaded before.`);
                } else {
                  const seconds = (Date.now() - started) / 1000;
                  log.info(
                    `Uploaded ${describe(source)}: ${formatSize(record.size)} in ${seconds.toFixed(1)} s, asset ${record.id}, ${record.url}`,
                  );
                  // The asset exists on HeyGen now: a history write that fails must not turn it into a failure.
                  await history.add(record).catch((error: unknown) => {
                    log.warn(`Uploaded asset ${record.id} could not be saved to the history: ${detailOf(error)}`);
                  });
                }
                return { record, reused: outcome.reused };
              },
              abort.signal,
            );
            const result: BatchResult = { succeeded: [], failed: [], cancelled: abort.signal.aborted };
            settled.forEach((entry) => {
              if (entry.ok) {
                result.succeeded.push({ uri: entry.item.uri, ...entry.value });
              } else {
                const failure = toFailure(entry.item, entry.error, (text) => log.scrub(text));
                if (failure.kind !== 'cancelled') {
                  log.error(`Upload of ${describe(entry.item)} failed (${failure.kind ?? 'error'}): ${detailOf(entry.error)}`);
                }
                result.failed.push(failure);
              }
            });
            return result;
          } finally {
            cancelSub.dispose();
            options.signal?.removeEventListener('abort', onCallerAbort);
          }
        },
      );
    } finally {
      this.setRunning(-1, 0);
    }
  }

  private summarise(result: BatchResult, sources: Source[], options: UploadRequestOptions, refusedKeyReported = false): void {
    const failures = result.failed.filter((f) => f.kind !== 'cancelled');
    if (result.cancelled) {
      // A caller that cancelled (an undone drop) already knows; the person pressed nothing.
      if (options.signal?.aborted) {
        return;
      }
      const message =
        failures.length > 0
          ? vscode.l10n.t('Upload cancelled. {0} uploaded and {1} failed before cancelling.', result.succeeded.length, failures.length)
          : result.succeeded.length === 0
            ? vscode.l10n.t('Upload cancelled. Nothing was uploaded.')
            : vscode.l10n.t('Upload cancelled. {0} uploaded before cancelling.', result.succeeded.length);
      const details = vscode.l10n.t('Show Details');
      this.follow(vscode.window.showInformationMessage(message, ...(failures.length > 0 ? [details] : [])), (choice) => {
        if (choice === details) {
          failures.forEach((f) => this.deps.log.warn(f.message));
          this.deps.log.show();
        }
      });
      return;
    }
    if (result.succeeded.length + failures.length === 1) {
      const [done] = result.succeeded;
      if (done) {
        if (!options.quiet) {
          this.showSuccess(done);
        }
      } else if (failures[0] && !(refusedKeyReported && failures[0].kind === 'auth')) {
        this.showFailure(failures[0], sources, options);
      }
      return;
    }
    if (failures.length === 0) {
      if (!options.quiet) {
        void vscode.window.showInformationMessage(vscode.l10n.t('{0} uploaded to HeyGen.', result.succeeded.length));
      }
      return;
    }
    const details = vscode.l10n.t('Show Details');
    const retry = vscode.l10n.t('Retry Failed');
    const retryable = failures.filter((f) => f.retryable);
    const actions = retryable.length > 0 ? [details, retry] : [details];
    this.follow(
      vscode.window.showWarningMessage(
        vscode.l10n.t('{0} uploaded, {1} failed.', result.succeeded.length, failures.length),
        ...actions,
      ),
      (choice) => {
        if (choice === details) {
          for (const f of failures) {
            this.deps.log.warn(f.message);
          }
          this.deps.log.show();
        } else if (choice === retry) {
          return this.run(
            sources.filter((s) => retryable.some((f) => f.uri.toString() === s.uri.toString())),
            { ...options, signal: undefined },
          );
        }
        return undefined;
      },
    );
  }

  /** Acts on a notification's answer without blocking the caller; a failure there goes to the log, not nowhere. */
  private follow<T>(answer: Thenable<T>, act: (choice: T) => unknown): void {
    Promise.resolve(answer)
      .then(act)
      .catch((error: unknown) => this.deps.log.error(`A notification action failed: ${detailOf(error)}`));
  }

  private showSuccess(done: BatchSuccess): void {
    const copyUrl = vscode.l10n.t('Copy URL');
    const copyId = vscode.l10n.t('Copy ID');
    const { record } = done;
    const message = done.reused
      ? vscode.l10n.t('"{0}" was already uploaded with this key: asset {1}, {2}', record.name, record.id, record.url)
      : vscode.l10n.t('Uploaded "{0}" to HeyGen: asset {1}, {2}', record.name, record.id, record.url);
    this.follow(vscode.window.showInformationMessage(message, copyUrl, copyId), async (choice) => {
      if (choice === copyUrl) {
        await vscode.env.clipboard.writeText(record.url);
        vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the URL of "{0}"', record.name), 3000);
      } else if (choice === copyId) {
        await vscode.env.clipboard.writeText(record.id);
        vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the ID of "{0}"', record.name), 3000);
      }
    });
  }

  private showFailure(failure: BatchFailure, sources: Source[], options: UploadRequestOptions): void {
    const retry = vscode.l10n.t('Retry');
    const showLog = vscode.l10n.t('Show Log');
    const actions = failure.retryable ? [retry, showLog] : [showLog];
    this.follow(vscode.window.showErrorMessage(failure.message, ...actions), (choice) => {
      if (choice === retry) {
        // Same options as the first attempt: a retried "Upload Again" must still force a new upload.
        return this.run(sources, { ...options, signal: undefined });
      }
      if (choice === showLog) {
        this.deps.log.show();
      }
      return undefined;
    });
  }

  private setRunning(delta: number, files: number): void {
    this.running = Math.max(0, this.running + delta);
    void vscode.commands.executeCommand('setContext', ContextKey.Uploading, this.running > 0);
    if (this.running > 0) {
      this.statusItem.text = `$(sync~spin) ${vscode.l10n.t('HeyGen: uploading')}`;
      this.statusItem.tooltip =
        files > 0 ? vscode.l10n.t('Uploading {0} file(s) to HeyGen. Click to show the log.', files) : undefined;
      this.statusItem.show();
    } else {
      this.statusItem.hide();
    }
  }

  /** Files as given, folders expanded to their supported files. Undefined when the person declines a large folder. */
  private async expand(uris: readonly vscode.Uri[]): Promise<{ files: vscode.Uri[]; emptyFolders: vscode.Uri[] } | undefined> {
    const out: vscode.Uri[] = [];
    const emptyFolders: vscode.Uri[] = [];
    const seen = new Set<string>();
    const add = (uri: vscode.Uri): void => {
      const key = uri.toString();
      if (!seen.has(key)) {
        seen.add(key);
        out.push(uri);
      }
    };
    for (const uri of uris) {
      let isFolder = false;
      try {
        isFolder = uri.scheme === 'file' && (await fs.stat(uri.fsPath)).isDirectory();
      } catch {
        // A missing path is reported by the engine with the file's name.
      }
      if (!isFolder) {
        add(uri);
        continue;
      }
      const found = await supportedFilesIn(uri.fsPath);
      if (found.length > FOLDER_CONFIRM_THRESHOLD) {
        const confirm = vscode.l10n.t('Upload {0} Files', found.length);
        const choice = await vscode.window.showWarningMessage(
          vscode.l10n.t('"{0}" holds {1} supported files. Upload them all to HeyGen?', path.basename(uri.fsPath), found.length),
          { modal: true },
          confirm,
        );
        if (choice !== confirm) {
          return undefined;
        }
      }
      if (found.length === 0) {
        emptyFolders.push(uri);
      }
      found.forEach((file) => add(vscode.Uri.file(file)));
    }
    return { files: out, emptyFolders };
  }
}

/** Spreads one progress notification over a batch: the file being sent, and how far the batch is (by bytes). */
class BatchMeter {
  private readonly sent = new Map<Source, number>();
  private readonly totals = new Map<Source, number>();
  private reported = 0;
  private done = 0;

  constructor(
    private readonly sources: Source[],
    private readonly progress: vscode.Progress<{ message?: string; increment?: number }>,
  ) {}

  update(source: Source, sent: number, total: number): void {
    this.sent.set(source, sent);
    this.totals.set(source, total);
    this.report(source);
  }

  finish(source: Source): void {
    const total = this.totals.get(source) ?? 0;
    this.sent.set(source, total);
    this.done++;
    this.report(source);
  }

  private report(current: Source): void {
    // Files whose size is not known yet count as one share each, so the bar never runs backwards far.
    const share = 100 / this.sources.length;
    let percent = 0;
    for (const s of this.sources) {
      const total = this.totals.get(s);
      const sent = this.sent.get(s) ?? 0;
      percent += total ? share * Math.min(1, sent / total) : 0;
    }
    const increment = Math.max(0, percent - this.reported);
    this.reported += increment;
    const filePercent = Math.floor(100 * Math.min(1, (this.sent.get(current) ?? 0) / (this.totals.get(current) || 1)));
    const message =
      this.sources.length === 1
        ? `${current.name} \u2014 ${filePercent}%`
        : `${current.name} \u2014 ${filePercent}% (${Math.min(this.done + 1, this.sources.length)}/${this.sources.length})`;
    this.progress.report({ message, increment });
  }
}

export function registerUploadCommands(context: vscode.ExtensionContext, controller: UploadController, log: Log): void {
  const fromArgs = async (first: unknown, second: unknown, useActiveEditor: boolean): Promise<vscode.Uri[] | undefined> => {
    // Explorer passes (clicked, allSelected); editor title and tab menus pass (uri, context).
    if (Array.isArray(second) && second.length > 0 && second.every((u) => u instanceof vscode.Uri)) {
      return second;
    }
    if (first instanceof vscode.Uri) {
      return [first];
    }
    if (Array.isArray(first) && first.every((u) => u instanceof vscode.Uri)) {
      return first;
    }
    if (typeof first === 'string' && first.length > 0) {
      return [vscode.Uri.file(first)];
    }
    if (useActiveEditor) {
      const active = activeResource();
      if (active) {
        return [active];
      }
    }
    return pickFiles();
  };

  context.subscriptions.push(
    controller,
    vscode.commands.registerCommand(CommandId.UploadFile, async (first?: unknown, second?: unknown) => {
      const uris = await fromArgs(first, second, false);
      return uris ? controller.uploadUris(uris) : undefined;
    }),
    vscode.commands.registerCommand(CommandId.UploadToHeyGen, async (first?: unknown, second?: unknown) => {
      const uris = await fromArgs(first, second, true);
      return uris ? controller.uploadUris(uris) : undefined;
    }),
    vscode.commands.registerCommand(CommandId.UploadFromUrl, async (given?: unknown) => {
      const url = typeof given === 'string' ? given : await askForUrl();
      return url ? controller.uploadUrl(url) : undefined;
    }),
    vscode.commands.registerCommand(CommandId.ShowLog, () => log.show()),
  );
}

function activeResource(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input && typeof input === 'object' && 'uri' in input && input.uri instanceof vscode.Uri) {
    return input.uri;
  }
  return vscode.window.activeTextEditor?.document.uri;
}

async function pickFiles(): Promise<vscode.Uri[] | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: true,
    canSelectFiles: true,
    canSelectFolders: false,
    openLabel: vscode.l10n.t('Upload to HeyGen'),
    title: vscode.l10n.t('Upload to HeyGen'),
    filters: dialogFilters(),
  });
  return picked && picked.length > 0 ? picked : undefined;
}

export function validateUrlInput(value: string): string | undefined {
  const text = value.trim();
  if (text.length === 0) {
    return vscode.l10n.t('Enter the address of a {0} file.', supportedTypeList());
  }
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return vscode.l10n.t('That is not a complete URL (it should start with https://).');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return vscode.l10n.t('Only http and https addresses can be downloaded, not {0}', parsed.protocol);
  }
  if (!parsed.hostname) {
    return vscode.l10n.t('The URL has no host name.');
  }
  return undefined;
}

async function askForUrl(): Promise<string | undefined> {
  const clip = (await vscode.env.clipboard.readText()).trim();
  const value = await vscode.window.showInputBox({
    title: vscode.l10n.t('Upload from URL'),
    prompt: vscode.l10n.t('The file is downloaded (at most the size limit) and uploaded to HeyGen.'),
    placeHolder: 'https://example.com/background.jpg',
    value: clip && validateUrlInput(clip) === undefined ? clip : undefined,
    ignoreFocusOut: true,
    validateInput: validateUrlInput,
  });
  return value?.trim() || undefined;
}

async function supportedFilesIn(folder: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) {
          await walk(full);
        }
      } else if (entry.isFile() && hasSupportedExtension(entry.name)) {
        out.push(full);
      }
    }
  };
  await walk(folder);
  return out;
}

function toRecord(outcome: UploadOutcome, fingerprint: string): AssetRecord {
  const { asset, source } = outcome;
  const fileType = (['image', 'video', 'audio'] as const).find((k) => k === asset.file_type) ?? source.kind;
  return {
    id: asset.id,
    name: source.name,
    ...(asset.name && asset.name !== source.name ? { heygenName: asset.name } : {}),
    fileType,
    mime: source.mime,
    url: asset.url,
    imageKey: asset.image_key ?? null,
    createdTs: typeof asset.created_ts === 'number' ? asset.created_ts : Math.floor(Date.now() / 1000),
    ...(source.path !== undefined ? { sourcePath: source.path } : {}),
    ...(source.url !== undefined ? { sourceUrl: withoutCredentials(source.url) } : {}),
    size: source.size,
    sha256: source.sha256,
    uploadedAt: Date.now(),
    keyFingerprint: fingerprint,
  };
}

function toUploadedAsset(record: AssetRecord | undefined): UploadedAsset | undefined {
  if (!record) {
    return undefined;
  }
  return {
    id: record.id,
    name: record.name,
    file_type: record.fileType satisfies AssetKind,
    url: record.url,
    image_key: record.imageKey,
    folder_id: '',
    meta: null,
    created_ts: record.createdTs,
  };
}

function toFailure(source: Source, error: unknown, scrub: (text: string) => string): BatchFailure {
  if (error instanceof UploadError) {
    // The engine's messages are already one sentence that names the file and the reason. HeyGen's own words are
    // part of it, and a server could echo the key back: scrub before anyone shows it.
    return { uri: source.uri, name: source.name, message: scrub(error.message), kind: error.kind, retryable: worthRetrying(error) };
  }
  return {
    uri: source.uri,
    name: source.name,
    message: vscode.l10n.t('Couldn\u2019t upload "{0}": an unexpected error occurred (see the log).', source.name),
    retryable: true,
  };
}

function failAll(sources: Source[], message: string, kind: UploadErrorKind): BatchResult {
  return {
    succeeded: [],
    failed: sources.map((s) => ({ uri: s.uri, name: s.name, message, kind, retryable: false })),
    cancelled: false,
  };
}

/**
 * Whether to offer Retry. The engine has already retried what can pass by itself; a person may still retry a host
 * that was unreachable (they may be back online), but not a certificate, a bad file or a refused request.
 */
function worthRetrying(error: UploadError): boolean {
  if (isRetryable(error)) {
    return true;
  }
  return error.kind === 'network' && !isCertificateError(error.code);
}

function describe(source: Source): string {
  return source.kind === 'file' ? `"${source.uri.fsPath}"` : `"${withoutCredentials(source.url)}"`;
}


function detailOf(error: unknown): string {
  if (error instanceof UploadError) {
    const parts = [error.message];
    if (error.status !== undefined) {
      parts.push(`HTTP ${error.status}`);
    }
    if (error.serverMessage) {
      parts.push(`HeyGen said: ${error.serverMessage}`);
    }
    if (error.cause instanceof Error) {
      parts.push(`cause: ${error.cause.message}`);
    }
    return parts.join('; ');
  }
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
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

function nameFromUrl(url: string): string {
  try {
    const last = new URL(url).pathname.split('/').filter(Boolean).pop();
    return last ? decodeURIComponent(last) : url;
  } catch {
    return url;
  }
}

