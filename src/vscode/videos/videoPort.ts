import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { VideoInfo } from '../../core/heygen/videoInfo';
import { missingRequirement, summarizeBody, type BodyApi, type BodySummary } from '../../core/videos/bodyRequirements';
import { payloadStem } from '../../core/videos/videoFiles';
import { prepareDocument, type GenerateDeps, type RenderCandidate } from './generateVideo';
import { nameOf, readEditorBody } from './payloadBody';
import { startRender, stemForTitle, type StartedRender } from './startRender';

/** What the agent tools ask of the videos feature: the same reading, checks, uploads and start as the command. */
export interface VideoPort {
  /** The body of a payload file as the editor holds it, summarized for the tool's confirmation; nothing is sent. */
  summarizeFile(uri: vscode.Uri): Promise<{ ok: true; summary: BodySummary } | { ok: false; message: string }>;
  /**
   * Starts the body of a payload file, after the command's checks and uploads (no modal: the tool's own
   * confirmation asked). Rejects with the HeyGenError of a refusal; resolves with the sentence that stopped it.
   */
  startFile(uri: vscode.Uri, apiKey: string): Promise<StartedRender | { stopped: string }>;
  /** Starts a body given as data (no local files in it); the first missing field stops it. */
  startBody(api: BodyApi, body: Record<string, unknown>, apiKey: string): Promise<StartedRender | { stopped: string }>;
  summarizeBody(api: BodyApi, body: Record<string, unknown>): BodySummary;
  /** A video's status asked now, and the file it was saved as when it is on this computer. */
  status(videoId: string): Promise<{ info: VideoInfo; file?: string }>;
  /** The key, prompting for one when none is set. */
  ensureKey(): Promise<string | undefined>;
}

export function videoPort(deps: GenerateDeps): VideoPort {
  const { service } = deps;
  return {
    async summarizeFile(uri) {
      const reading = readEditorBody(await vscode.workspace.openTextDocument(uri));
      return reading.ok ? { ok: true, summary: reading.body.summary } : { ok: false, message: reading.message };
    },
    async startFile(uri, apiKey) {
      const document = await vscode.workspace.openTextDocument(uri);
      const prepared = await prepareDocument(deps, document);
      if (!prepared.ok) {
        return { stopped: prepared.message };
      }
      const { body } = prepared;
      return startRender(service, apiKey, {
        value: body.value,
        summary: body.summary,
        payloadPath: document.uri.scheme === 'file' ? document.uri.fsPath : undefined,
        stem: payloadStem(nameOf(document)),
      });
    },
    async startBody(api, body, apiKey) {
      const missing = missingRequirement(api, body);
      if (missing) {
        return { stopped: missing };
      }
      const candidate: RenderCandidate = { api, value: body as RenderCandidate['value'], summary: summarizeBody(api, body) };
      const refused = await deps.beforeRender(candidate, undefined);
      if (refused) {
        return { stopped: refused };
      }
      return startRender(service, apiKey, { value: candidate.value, summary: candidate.summary, stem: stemForTitle(candidate.summary.title) });
    },
    summarizeBody: (api, body) => summarizeBody(api, body),
    async status(videoId) {
      const info = await service.fresh(videoId);
      const record = service.renders.get(videoId);
      const file = record?.saved && fs.existsSync(record.target) ? record.target : undefined;
      return { info, file };
    },
    ensureKey: () => service.apiKeys.ensure(),
  };
}
