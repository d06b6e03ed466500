import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseUploadInput, type UploadSource } from '../../core/agentTools/toolInput';
import { refusalText, uploadResultText, type UploadItemResult } from '../../core/agentTools/toolResult';
import {
  ApprovalLedger,
  approveSources,
  changedSinceApproval,
  notApproved,
  oneLine,
  type ApprovedFile,
  type ApprovedItem,
} from '../../core/agentTools/uploadApproval';
import { checkEndpoint } from '../../core/http/endpointPolicy';
import { realRoots } from '../../core/base/fileLook';
import { formatSize } from '../../core/base/sizes';
import type { FileStamp } from '../../core/base/validateFile';
import type { BatchResult } from '../upload/uploadPort';
import { textResult, type AgentToolDeps } from './agentToolSupport';

function localFolders(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
}

/** A relative path belongs to the first workspace folder holding it; when none does, to the first folder. */
function resolveRelative(relative: string): string | undefined {
  const folders = localFolders();
  if (folders.length === 0) {
    return undefined;
  }
  // One stat per folder, once per call: cheap enough to do synchronously inside the input parser.
  return folders.map((folder) => path.join(folder, relative)).find((candidate) => existsSync(candidate)) ?? path.join(folders[0], relative);
}

/** The workspace folders as real paths, so a file reached through a link is placed by where it really is. */
function workspaceRoots(): Promise<string[]> {
  return realRoots(localFolders());
}

/** Where the upload controller sends the files: v3 under heygen.apiBaseUrl, v1 to heygen.uploadUrl. */
function endpointHost(config: AgentToolDeps['config']): string {
  const configured = config.apiVersion === 'v3' ? config.apiBaseUrl : config.uploadUrl;
  const endpoint = checkEndpoint(configured);
  return endpoint.valid ? endpoint.url.host : configured;
}

/** A file's real path as the confirmation shows it: relative inside a workspace folder, else absolute and marked. */
function shownPath(item: ApprovedFile, roots: readonly string[]): string {
  if (item.outside) {
    return vscode.l10n.t('{0} (outside the workspace folders)', item.realPath);
  }
  const folders = vscode.workspace.workspaceFolders ?? [];
  const index = roots.findIndex((root) => !path.relative(root, item.realPath).startsWith('..'));
  const relative = path.relative(roots[index], item.realPath).split(path.sep).join('/');
  // As VS Code names files in a multi-root workspace: with the folder's name first.
  return folders.length > 1 && folders[index] ? `${folders[index].name}/${relative}` : relative;
}

/** The confirmation's line for an item that will be sent; undefined for one that will not. */
function sentLine(item: ApprovedItem, roots: readonly string[], maxUploadBytes: number): string | undefined {
  switch (item.kind) {
    case 'url':
      // Whole, query included: the person approves what is fetched (results and the log leave the query out).
      return vscode.l10n.t('{0} (downloaded first, at most {1})', oneLine(item.source.url), formatSize(maxUploadBytes));
    case 'file':
      return vscode.l10n.t('{0} ({1})', oneLine(shownPath(item, roots)), formatSize(item.stamp.size));
    case 'refused':
      return undefined;
  }
}

/** The same file or URL named twice is sent once, so it is listed once. */
function identityOf(item: ApprovedItem): string | undefined {
  return item.kind === 'url' ? item.source.url : item.kind === 'file' ? item.realPath : undefined;
}

/**
 * `heygen_upload_assets`: uploads workspace files and URLs through the same port as every command (engine, limits,
 * reuse, settings, progress notification), and answers per input, in input order. What `prepareInvocation` showed
 * the person is what `invoke` sends: the files' real paths and versions, and the URLs as approved.
 */
export class UploadAssetsTool implements vscode.LanguageModelTool<unknown> {
  private readonly approvals = new ApprovalLedger<ApprovedItem[]>();

  constructor(private readonly deps: AgentToolDeps) {}

  async prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<unknown>): Promise<vscode.PreparedToolInvocation> {
    const parsed = parseUploadInput(options.input, resolveRelative);
    const checking = { invocationMessage: vscode.l10n.t('Checking the files to upload to HeyGen') };
    if (!parsed.valid) {
      // Nothing will be sent, so there is nothing to approve: the result says what was wrong.
      return checking;
    }
    const roots = await workspaceRoots();
    const items = await approveSources(parsed.value, roots);
    this.approvals.remember(options.input, items);
    const sent: string[] = [];
    const refused: string[] = [];
    const listed = new Set<string>();
    for (const item of items) {
      const identity = identityOf(item);
      if (identity !== undefined && listed.has(identity)) {
        continue;
      }
      if (identity !== undefined) {
        listed.add(identity);
      }
      const line = sentLine(item, roots, this.deps.config.maxUploadBytes);
      if (line !== undefined) {
        sent.push(line);
      } else if (item.kind === 'refused') {
        refused.push(oneLine(item.reason));
      }
    }
    if (sent.length === 0) {
      return checking;
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
    // Exactly what the confirmation listed, as it was then; without an approval nothing is sent.
    const approved = this.approvals.take(options.input);
    const items: ApprovedItem[] = approved ?? parsed.value.map((source) => ({ kind: 'refused', source, reason: notApproved(source.name) }));
    if (!approved) {
      deps.log.warn('Agent tool: an upload was invoked without its confirmation; nothing was sent.');
    }
    const abort = new AbortController();
    const onCancel = token.onCancellationRequested(() => {
      deps.log.info('Agent upload cancelled by its caller.');
      abort.abort();
    });
    if (token.isCancellationRequested) {
      abort.abort();
    }
    try {
      const results = new Map<ApprovedItem, UploadItemResult>();
      const files: Array<{ item: ApprovedFile; uri: vscode.Uri }> = [];
      const versions = new Map<string, FileStamp>();
      for (const item of items) {
        if (item.kind === 'refused') {
          results.set(item, { input: item.source.input, name: item.source.name, error: item.reason });
        } else if (item.kind === 'file') {
          const changed = await changedSinceApproval(item);
          if (changed !== undefined) {
            results.set(item, { input: item.source.input, name: item.source.name, error: changed });
          } else {
            const uri = vscode.Uri.file(item.realPath);
            files.push({ item, uri });
            versions.set(uri.fsPath, item.stamp);
          }
        }
      }
      const urls = items.filter((item): item is Extract<ApprovedItem, { kind: 'url' }> => item.kind === 'url');
      deps.log.info(`Agent tool: uploading ${files.length} file(s) and ${urls.length} URL(s).`);
      let stopped = false;
      if (files.length > 0 && !abort.signal.aborted) {
        // The engine checks each file's version again as it opens it: a change after this moment is refused too.
        const batch = await deps.upload.upload(
          files.map((f) => f.uri),
          { quiet: true, signal: abort.signal, approved: versions },
        );
        for (const { item, uri } of files) {
          setAnswer(results, item, itemFromBatch(item.source, uri, batch));
        }
        // Cancelled with no one cancelling: the person declined the key prompt, which each URL would show again.
        stopped = batch.cancelled;
      }
      for (const item of urls) {
        if (abort.signal.aborted || stopped) {
          continue;
        }
        const batch = await deps.upload.uploadUrl(item.source.url, { quiet: true, signal: abort.signal });
        setAnswer(results, item, itemFromBatch(item.source, undefined, batch));
        stopped = batch.cancelled;
      }
      // An input the port answered nothing for: cancelled, or the person declined to enter a missing key.
      const unanswered = items.some((item) => !results.has(item));
      const noKey = unanswered && !abort.signal.aborted && (await deps.hasApiKey?.()) === false;
      const answers = items.map(
        (item) =>
          results.get(item) ?? {
            input: item.source.input,
            name: item.source.name,
            error: noKey
              ? vscode.l10n.t('No HeyGen API key is set, so "{0}" was not uploaded; the person can set one with the command HeyGen: Set API Key.', item.source.name)
              : vscode.l10n.t('"{0}" was not uploaded: the upload was cancelled.', item.source.name),
          },
      );
      return textResult(deps, uploadResultText(answers, endpointHost(deps.config)));
    } finally {
      onCancel.dispose();
    }
  }
}

function setAnswer(results: Map<ApprovedItem, UploadItemResult>, item: ApprovedItem, answer: UploadItemResult | undefined): void {
  if (answer) {
    results.set(item, answer);
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
