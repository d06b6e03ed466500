import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { directoryRefusal, parseUploadInput, type UploadSource } from '../../core/agentTools/toolInput';
import { refusalText, uploadResultText, type UploadItemResult } from '../../core/agentTools/toolResult';
import { checkEndpoint } from '../../core/http/endpointPolicy';
import { formatSize } from '../../core/base/sizes';
import type { BatchResult } from '../upload/uploadPort';
import { textResult, type AgentToolDeps } from './agentToolSupport';

/** A local path as found on disk just now; what the confirmation shows and what decides whether to send it. */
type Probe = { kind: 'file'; size: number } | { kind: 'directory' } | { kind: 'missing' } | { kind: 'other' };

async function probe(file: string): Promise<Probe> {
  try {
    const stats = await fs.stat(file);
    if (stats.isDirectory()) {
      return { kind: 'directory' };
    }
    return stats.isFile() ? { kind: 'file', size: stats.size } : { kind: 'other' };
  } catch {
    return { kind: 'missing' };
  }
}

/** A relative path belongs to the first workspace folder holding it; when none does, to the first folder. */
function resolveRelative(relative: string): string | undefined {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  if (folders.length === 0) {
    return undefined;
  }
  // One stat per folder, once per call: cheap enough to do synchronously inside the input parser.
  return folders.map((folder) => path.join(folder, relative)).find((candidate) => existsSync(candidate)) ?? path.join(folders[0], relative);
}

/** Where the upload controller sends the files: v3 under heygen.apiBaseUrl, v1 to heygen.uploadUrl. */
function endpointHost(config: AgentToolDeps['config']): string {
  const configured = config.apiVersion === 'v3' ? config.apiBaseUrl : config.uploadUrl;
  const endpoint = checkEndpoint(configured);
  return endpoint.valid ? endpoint.url.host : configured;
}

/**
 * `heygen_upload_assets`: uploads workspace files and URLs through the same port as every command (engine, limits,
 * reuse, settings, progress notification), and answers per input, in input order.
 */
export class UploadAssetsTool implements vscode.LanguageModelTool<unknown> {
  constructor(private readonly deps: AgentToolDeps) {}

  async prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<unknown>): Promise<vscode.PreparedToolInvocation> {
    const parsed = parseUploadInput(options.input, resolveRelative);
    if (!parsed.valid) {
      // Nothing will be sent, so there is nothing to approve: the result says what was wrong.
      return { invocationMessage: vscode.l10n.t('Checking the files to upload to HeyGen') };
    }
    const sent: string[] = [];
    const refused: string[] = [];
    // The same file named twice is uploaded once, so it is listed once.
    const listed = new Set<string>();
    for (const source of parsed.value) {
      const identity = source.kind === 'url' ? source.url : source.kind === 'path' ? source.path : undefined;
      if (identity !== undefined && listed.has(identity)) {
        continue;
      }
      if (identity !== undefined) {
        listed.add(identity);
      }
      if (source.kind === 'url') {
        sent.push(vscode.l10n.t('{0} (downloaded first, at most {1})', source.input, formatSize(this.deps.config.maxUploadBytes)));
        continue;
      }
      if (source.kind === 'invalid') {
        refused.push(source.reason);
        continue;
      }
      const found = await probe(source.path);
      if (found.kind === 'file') {
        sent.push(vscode.l10n.t('{0} ({1})', vscode.workspace.asRelativePath(source.path), formatSize(found.size)));
      } else {
        refused.push(
          found.kind === 'directory'
            ? directoryRefusal(source.name)
            : found.kind === 'missing'
              ? vscode.l10n.t('"{0}" does not exist.', source.name)
              : vscode.l10n.t('"{0}" is not a regular file.', source.name),
        );
      }
    }
    if (sent.length === 0) {
      return { invocationMessage: vscode.l10n.t('Checking the files to upload to HeyGen') };
    }
    const host = endpointHost(this.deps.config);
    const lead =
      sent.length === 1
        ? vscode.l10n.t('This file is sent to {0} with your HeyGen API key:', host)
        : vscode.l10n.t('These {0} files are sent to {1} with your HeyGen API key:', sent.length, host);
    // A plain string, not a MarkdownString: VS Code shows the confirmation of a tool called outside a chat as a
    // dialog in plain text, where Markdown escapes would appear as backslashes (seen in 1.99); a chat renders these
    // lines as a list either way.
    let message = `${lead}\n\n${sent.map((line) => `- ${line}\n`).join('')}`;
    if (refused.length > 0) {
      message += `\n${vscode.l10n.t('Not sent: {0}', refused.join(' '))}\n`;
    }
    return {
      invocationMessage:
        sent.length === 1 ? vscode.l10n.t('Uploading 1 file to {0}', host) : vscode.l10n.t('Uploading {0} files to {1}', sent.length, host),
      confirmationMessages: { title: vscode.l10n.t('Upload to HeyGen?'), message },
    };
  }

  async invoke(options: vscode.LanguageModelToolInvocationOptions<unknown>, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
    const { deps } = this;
    const parsed = parseUploadInput(options.input, resolveRelative);
    if (!parsed.valid) {
      return textResult(deps, refusalText(parsed.reason));
    }
    const sources = parsed.value;
    const abort = new AbortController();
    const onCancel = token.onCancellationRequested(() => {
      deps.log.info('Agent upload cancelled by its caller.');
      abort.abort();
    });
    if (token.isCancellationRequested) {
      abort.abort();
    }
    try {
      const results = new Map<UploadSource, UploadItemResult>();
      const files: Array<{ source: UploadSource & { kind: 'path' }; uri: vscode.Uri }> = [];
      for (const source of sources) {
        if (source.kind === 'invalid') {
          results.set(source, { input: source.input, name: source.name, error: source.reason });
        } else if (source.kind === 'path') {
          const found = await probe(source.path);
          if (found.kind === 'directory') {
            // The commands expand folders; a model naming one would send more than anyone approved.
            results.set(source, { input: source.input, name: source.name, error: directoryRefusal(source.name) });
          } else {
            // Missing and unsupported files get the engine's own sentences, like the commands.
            files.push({ source, uri: vscode.Uri.file(source.path) });
          }
        }
      }
      deps.log.info(`Agent tool: uploading ${files.length} file(s) and ${sources.filter((s) => s.kind === 'url').length} URL(s).`);
      let stopped = false;
      if (files.length > 0 && !abort.signal.aborted) {
        const batch = await deps.upload.upload(
          files.map((f) => f.uri),
          { quiet: true, signal: abort.signal },
        );
        for (const { source, uri } of files) {
          setAnswer(results, source, itemFromBatch(source, uri, batch));
        }
        // Cancelled with no one cancelling: the person declined the key prompt, which each URL would show again.
        stopped = batch.cancelled;
      }
      for (const source of sources) {
        if (source.kind !== 'url' || abort.signal.aborted || stopped) {
          continue;
        }
        const batch = await deps.upload.uploadUrl(source.url, { quiet: true, signal: abort.signal });
        setAnswer(results, source, itemFromBatch(source, undefined, batch));
        stopped = batch.cancelled;
      }
      // An input the port answered nothing for: cancelled, or the person declined to enter a missing key.
      const unanswered = sources.some((source) => !results.has(source));
      const noKey = unanswered && !abort.signal.aborted && (await deps.hasApiKey?.()) === false;
      const items = sources.map(
        (source) =>
          results.get(source) ?? {
            input: source.input,
            name: source.name,
            error: noKey
              ? vscode.l10n.t('No HeyGen API key is set, so "{0}" was not uploaded; the person can set one with the command HeyGen: Set API Key.', source.name)
              : vscode.l10n.t('"{0}" was not uploaded: the upload was cancelled.', source.name),
          },
      );
      return textResult(deps, uploadResultText(items, endpointHost(deps.config)));
    } finally {
      onCancel.dispose();
    }
  }
}

function setAnswer(results: Map<UploadSource, UploadItemResult>, source: UploadSource, item: UploadItemResult | undefined): void {
  if (item) {
    results.set(source, item);
  }
}

/** What the batch says about one source; undefined when it says nothing (the batch was cancelled before it). */
function itemFromBatch(source: UploadSource, uri: vscode.Uri | undefined, batch: BatchResult): UploadItemResult | undefined {
  const key = uri?.toString();
  const done = key !== undefined ? batch.succeeded.find((s) => s.uri.toString() === key) : batch.succeeded[0];
  if (done) {
    const { record } = done;
    return {
      input: source.input,
      name: record.name,
      kind: record.fileType,
      assetId: record.id,
      url: record.url,
      reused: done.reused,
      ...(record.imageKey ? { imageKey: record.imageKey } : {}),
    };
  }
  const failed = key !== undefined ? batch.failed.find((f) => f.uri.toString() === key) : batch.failed[0];
  if (failed) {
    return { input: source.input, name: failed.name, error: failed.message };
  }
  return undefined;
}
