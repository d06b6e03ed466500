import * as l10n from '@vscode/l10n';
import { changedSince, isWithin, lookAt } from '../base/fileLook';
import { changedAfterApproval, type FileStamp } from '../base/validateFile';
import { isNetworkOrDevicePath } from '../payload/localPath';
import { directoryRefusal, type UploadSource } from './toolInput';

/**
 * One input of the upload tool as the person approved it: `prepareInvocation` builds these, the confirmation lists
 * them, and `invoke` uploads from them and nothing else (an item refused then stays refused, even if it exists now).
 */
export type ApprovedItem =
  | { kind: 'url'; source: Extract<UploadSource, { kind: 'url' }> }
  | {
      kind: 'file';
      source: Extract<UploadSource, { kind: 'path' }>;
      /** The file itself, links resolved: what the confirmation shows and what is sent. */
      realPath: string;
      stamp: FileStamp;
      /** Outside every workspace folder (after links are resolved on both sides). */
      outside: boolean;
    }
  | { kind: 'refused'; source: UploadSource; reason: string };

export type ApprovedFile = Extract<ApprovedItem, { kind: 'file' }>;

/**
 * Looks at each input once, without opening anything: lstat, a link followed to its real path, only a regular file
 * approved. `workspaceRoots` are the workspace folders' real paths.
 */
export async function approveSources(sources: readonly UploadSource[], workspaceRoots: readonly string[]): Promise<ApprovedItem[]> {
  return Promise.all(
    sources.map(async (source): Promise<ApprovedItem> => {
      if (source.kind === 'invalid') {
        return { kind: 'refused', source, reason: source.reason };
      }
      if (source.kind === 'url') {
        return { kind: 'url', source };
      }
      return approveFile(source, workspaceRoots);
    }),
  );
}

async function approveFile(source: Extract<UploadSource, { kind: 'path' }>, roots: readonly string[]): Promise<ApprovedItem> {
  const refused = (reason: string): ApprovedItem => ({ kind: 'refused', source, reason });
  if (isNetworkOrDevicePath(source.input) || isNetworkOrDevicePath(source.path)) {
    // Not even an lstat: on Windows that alone connects to the server a UNC path names.
    return refused(l10n.t('"{0}" is a network or device path, which is never uploaded.', source.name));
  }
  const look = await lookAt(source.path);
  switch (look.kind) {
    case 'missing':
      return refused(l10n.t('"{0}" does not exist.', source.name));
    case 'unreadable':
      return refused(l10n.t('"{0}" cannot be read ({1}).', source.name, look.code));
    case 'directory':
      // The commands expand folders; a model naming one would send more than anyone approved.
      return refused(directoryRefusal(source.name));
    case 'other':
      return refused(l10n.t('"{0}" is not a regular file.', source.name));
    case 'file':
      return { kind: 'file', source, realPath: look.realPath, stamp: look.stamp, outside: !isWithin(look.realPath, roots) };
  }
}

/** Undefined when the approved file is still the version approved; else the sentence that says why it is not sent. */
export async function changedSinceApproval(item: ApprovedFile): Promise<string | undefined> {
  switch (await changedSince(item.realPath, item.stamp)) {
    case 'gone':
      return l10n.t('"{0}" was deleted or moved after it was approved, so it was not uploaded.', item.source.name);
    case 'changed':
      return changedAfterApproval(item.source.name);
    default:
      return undefined;
  }
}

export function notApproved(name: string): string {
  return l10n.t('"{0}" was not uploaded: nobody approved this upload.', name);
}

/**
 * Text shown to the person exactly as it is, on one line: control, line-separator and bidirectional-override
 * characters (which could fake or reorder lines of a confirmation) are written as `\u{…}` escapes.
 */
export function oneLine(text: string): string {
  return Array.from(text, (c) => {
    const code = c.codePointAt(0) ?? 0;
    const hidden =
      code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x061c || code === 0x200e || code === 0x200f || (code >= 0x2028 && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
    return hidden ? `\\u{${code.toString(16)}}` : c;
  }).join('');
}

/**
 * The approvals `prepareInvocation` made, waiting for their `invoke`. VS Code hands both the same input and no id
 * that links them, so the input's JSON is the key; the newest approval of an input is taken first, once. A few are
 * kept: an approval the person declined is never invoked.
 */
export class ApprovalLedger<T> {
  private readonly entries: Array<{ key: string; value: T }> = [];

  constructor(private readonly capacity = 32) {}

  static keyOf(input: unknown): string {
    return JSON.stringify(input) ?? String(input);
  }

  remember(input: unknown, value: T): void {
    this.entries.push({ key: ApprovalLedger.keyOf(input), value });
    if (this.entries.length > this.capacity) {
      this.entries.shift();
    }
  }

  take(input: unknown): T | undefined {
    const key = ApprovalLedger.keyOf(input);
    for (let i = this.entries.length - 1; i >= 0; i--) {
      if (this.entries[i].key === key) {
        return this.entries.splice(i, 1)[0].value;
      }
    }
    return undefined;
  }
}
