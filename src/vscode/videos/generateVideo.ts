import * as vscode from 'vscode';
import { accountRemaining } from '../../core/account/accountSummary';
import { errorMessage } from '../../core/base/errorMessage';
import { HeyGenError } from '../../core/base/heygenError';
import { getCurrentUser } from '../../core/heygen/v3Client';
import { isRetiredRoute } from '../../core/heygen/videosLegacy';
import { missingRequirement, type BodySummary } from '../../core/videos/bodyRequirements';
import { payloadStem } from '../../core/videos/videoFiles';
import { clause } from '../../core/videos/videoText';
import { CommandId } from '../commands/commandIds';
import { showErrorWithLog } from '../log/showLogAction';
import type { PayloadFeatures } from '../payload/payloadCommands';
import { blockingProblem, localFilesInBody, nameOf, readEditorBody, type EditorBody } from './payloadBody';
import { startRender, type StartedRender } from './startRender';
import type { VideoService } from './videoService';

/** `payloadv3`'s command: converts a v2 body to a v3 one (offered when HeyGen no longer serves v2's generate). */
export const CONVERT_PAYLOAD_COMMAND = 'heygen.convertPayloadToV3';

/** A body about to be confirmed: as plain data, with its API and summary. */
export type RenderCandidate = Pick<EditorBody, 'api' | 'value' | 'summary'>;

/**
 * The hook `references` fills (issue 25 item 4): checks the body's asset ids before the confirmation (command and
 * agent tool alike). A sentence stops the render with it; undefined lets it go on. `document` is the payload file,
 * when the body came from one. The default checks nothing.
 */
export type BeforeRenderCheck = (candidate: RenderCandidate, document: vscode.TextDocument | undefined, signal?: AbortSignal) => Promise<string | undefined>;
export const noBeforeRenderCheck: BeforeRenderCheck = () => Promise.resolve(undefined);

export interface GenerateDeps {
  service: VideoService;
  payload: Pick<PayloadFeatures, 'diagnostics' | 'uploadLocalReferences'>;
  beforeRender: BeforeRenderCheck;
}

/** A body ready to confirm, or the one sentence that stopped it (already shown when `shown`). */
export type Prepared = { ok: true; document: vscode.TextDocument; body: EditorBody } | { ok: false; message: string; shown?: boolean };

function stop(message: string): Prepared {
  return { ok: false, message: vscode.l10n.t('The video was not generated: {0}', message) };
}

/**
 * Everything before the confirmation, on the body as the editor holds it (unsaved changes included): the body read
 * by shape, its required fields, the problems that stop a render, its local files uploaded (as Upload Local Files in
 * This Payload does it: one batch, one edit) and the body read again, then the `beforeRender` hook.
 */
export async function prepareDocument(deps: GenerateDeps, document: vscode.TextDocument, offset?: number): Promise<Prepared> {
  let reading = readEditorBody(document, offset);
  if (!reading.ok) {
    return stop(reading.message);
  }
  const missing = missingRequirement(reading.body.api, reading.body.value);
  if (missing) {
    return stop(missing);
  }
  await deps.payload.diagnostics.update(document);
  const problem = blockingProblem(document, reading.body, deps.payload.diagnostics.collection.get(document.uri) ?? []);
  if (problem) {
    return stop(problem);
  }
  const local = localFilesInBody(document, reading.body);
  if (local.length > 0) {
    deps.service.log.info(`Generate Video: uploading ${local.length} local file(s) of ${nameOf(document)} first.`);
    // The upload's own notification says what failed; the sentence here says the render did not start.
    await deps.payload.uploadLocalReferences(document.uri);
    const start = reading.body.start;
    reading = readEditorBody(document, start);
    if (!reading.ok) {
      return stop(reading.message);
    }
    const left = localFilesInBody(document, reading.body);
    if (left.length > 0) {
      return stop(vscode.l10n.t('{0} local file(s) of the payload were not uploaded.', left.length));
    }
  }
  const refused = await deps.beforeRender(reading.body, document);
  if (refused) {
    return stop(refused);
  }
  return { ok: true, document, body: reading.body };
}

/** "avatar", or "video_inputs, 2 scenes (API v2)". */
export function typeLabel(summary: BodySummary): string {
  if (summary.api === 'v3') {
    return summary.type;
  }
  return summary.scenes === 1 ? vscode.l10n.t('video_inputs, 1 scene (API v2)') : vscode.l10n.t('video_inputs, {0} scenes (API v2)', summary.scenes ?? 0);
}

/** What the account has left, from `users/me` asked now; a sentence saying it is unknown when HeyGen cannot say. */
export async function accountLine(deps: GenerateDeps, apiKey: string): Promise<string> {
  try {
    const user = await getCurrentUser(await deps.service.endpoint(apiKey));
    const remaining = accountRemaining(user);
    return remaining ? vscode.l10n.t('Account: {0}, {1}', user.username, remaining) : vscode.l10n.t('Account: {0} (HeyGen did not say what is left)', user.username);
  } catch (error) {
    deps.service.log.warn(`Generate Video: the account could not be read: ${errorMessage(error)}`);
    return vscode.l10n.t('Credits left: unknown ({0})', clause(errorMessage(error)));
  }
}

/** The modal confirmation: it spends credits; the title, the type and what the account has left. */
async function confirm(deps: GenerateDeps, summary: BodySummary, apiKey: string): Promise<boolean> {
  const account = await accountLine(deps, apiKey);
  const detail = [vscode.l10n.t('Title: {0}', summary.title ?? vscode.l10n.t('(none)')), vscode.l10n.t('Type: {0}', typeLabel(summary)), account].join('\n');
  const generate = vscode.l10n.t('Generate Video');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('Generate this video on HeyGen? Rendering it spends credits from your HeyGen account.'),
    { modal: true, detail },
    generate,
  );
  return choice === generate;
}

/** `heygen.generateVideo`: the body at `offset` of the document (else the active editor's), confirmed, started. */
export async function generateVideoCommand(deps: GenerateDeps, uri: vscode.Uri | undefined, offset: number | undefined): Promise<StartedRender | undefined> {
  const document = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
  if (!document) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Open a payload file first: Generate Video sends the video body it holds.'));
    return undefined;
  }
  const at = offset ?? (vscode.window.activeTextEditor?.document === document ? document.offsetAt(vscode.window.activeTextEditor.selection.active) : undefined);
  const prepared = await prepareDocument(deps, document, at);
  if (!prepared.ok) {
    deps.service.log.info(prepared.message);
    void vscode.window.showWarningMessage(prepared.message);
    return undefined;
  }
  const apiKey = await deps.service.apiKeys.ensure();
  if (!apiKey) {
    void vscode.window.showWarningMessage(vscode.l10n.t('The video was not generated: no HeyGen API key is set.'));
    return undefined;
  }
  const { body } = prepared;
  if (!(await confirm(deps, body.summary, apiKey))) {
    deps.service.log.info('Generate Video: not confirmed; nothing was sent.');
    return undefined;
  }
  try {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Starting the HeyGen video') }, () =>
      startRender(deps.service, apiKey, {
        value: body.value,
        summary: body.summary,
        payloadPath: document.uri.scheme === 'file' ? document.uri.fsPath : undefined,
        stem: payloadStem(nameOf(document)),
      }),
    );
  } catch (error) {
    showStartFailure(deps, error, document.uri);
    return undefined;
  }
}

/** One sentence for a render that did not start, with the action that helps. */
function showStartFailure(deps: GenerateDeps, error: unknown, uri: vscode.Uri): void {
  const { log } = deps.service;
  log.error(`Generate Video failed: ${errorMessage(error)}`);
  if (error instanceof HeyGenError && error.kind === 'cancelled') {
    return;
  }
  if (isRetiredRoute(error)) {
    const convert = vscode.l10n.t('Convert Payload to API v3');
    const status = (error as HeyGenError).status;
    void showErrorWithLog(
      vscode.l10n.t('The video was not generated: HeyGen no longer serves API v2\'s video/generate (HTTP {0}). Convert this payload to an API v3 body and generate it again.', status ?? 404),
      () => log.show(),
      convert,
    ).then((choice) => choice === convert && vscode.commands.executeCommand(CONVERT_PAYLOAD_COMMAND, uri));
    return;
  }
  const message = vscode.l10n.t('The video was not generated: {0}', errorMessage(error));
  if (error instanceof HeyGenError && error.kind === 'auth') {
    const setKey = vscode.l10n.t('Set API Key');
    void showErrorWithLog(message, () => log.show(), setKey).then((choice) => choice === setKey && vscode.commands.executeCommand(CommandId.SetApiKey));
    return;
  }
  const docUrl = error instanceof HeyGenError ? error.docUrl : undefined;
  const docs = vscode.l10n.t('Open Docs');
  void showErrorWithLog(message, () => log.show(), ...(docUrl ? [docs] : [])).then((choice) => {
    if (choice === docs && docUrl) {
      void vscode.env.openExternal(vscode.Uri.parse(docUrl));
    }
  });
}
