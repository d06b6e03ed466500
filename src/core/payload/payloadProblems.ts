import { stat } from 'node:fs/promises';
import * as l10n from '@vscode/l10n';
import type { AssetKind } from '../base/mediaKinds';
import { validateFile, type FileCheck } from '../base/validateFile';
import type { AssetReference } from './assetReferences';
import type { KnownAsset, KnownAssets } from './knownAssets';
import { classifyValue, isNetworkOrDevicePath, resolveLocalPath } from './localPath';

/**
 * - `localFile`: a file on this machine where HeyGen needs a URL or an id (quick fix: upload and replace);
 * - `fileNotFound`: the path names no file;
 * - `badFile`: the file cannot be uploaded (the upload's own sentence: empty, too large, unsupported, …);
 * - `mislabelled`: the name claims another type than the content (it uploads, as the content's type);
 * - `wrongKind`: the file is not what the place takes (an MP3 as a background): nothing is offered;
 * - `noFolder`: a relative path in a payload that has no folder yet;
 * - `notRead`: a network (UNC) or device path, which is never read (see `isNetworkOrDevicePath`);
 * - `gone`: HeyGen no longer has the asset (quick fix, when its source is known: upload it again and replace).
 */
export type ProblemCode = 'localFile' | 'fileNotFound' | 'badFile' | 'mislabelled' | 'wrongKind' | 'noFolder' | 'notRead' | 'gone';

export interface PayloadProblem {
  code: ProblemCode;
  severity: 'error' | 'warning' | 'information';
  message: string;
  /** The string literal the problem is about. */
  start: number;
  end: number;
  reference: AssetReference;
  /** The resolved local file, for local paths. */
  localPath?: string;
  /** The asset named, for `gone`. */
  asset?: KnownAsset;
}

/** The file checks already made, by absolute path (see `LocalFileChecks`). */
export type FileFacts = (path: string) => FileCheck | undefined;

export interface ProblemContext {
  /** The payload's folder; undefined for an untitled payload. */
  documentDir: string | undefined;
  files: FileFacts;
  known: KnownAssets;
  home?: string;
}

// Functions, not constants: the bundle that translates them is configured after this module loads.
export const problemMessages = {
  localFile: (): string => l10n.t('Local file: it must be uploaded to HeyGen'),
  fileNotFound: (): string => l10n.t('File not found'),
  noFolder: (): string => l10n.t('This relative path cannot be found until the payload is saved in a folder.'),
  notRead: (): string =>
    l10n.t('A network or device path is never read or uploaded from a payload; copy the file into the workspace and name that copy.'),
  mislabelled: (name: string, claimed: string, actual: string, mime: string): string =>
    l10n.t('"{0}" is named like a {1} file, but its content is {2}; it is uploaded as {3}.', name, claimed, actual, mime),
  wrongKind: (name: string, place: string, kinds: readonly AssetKind[]): string => {
    if (kinds.length > 1) {
      return l10n.t('"{0}" is an audio file; {1} takes an image or a video.', name, place);
    }
    switch (kinds[0]) {
      case 'image':
        return l10n.t('"{0}" is not an image; {1} takes a JPEG or PNG image.', name, place);
      case 'video':
        return l10n.t('"{0}" is not a video; {1} takes an MP4 or WebM video.', name, place);
      default:
        return l10n.t('"{0}" is not an audio file; {1} takes an MP3 or WAV file.', name, place);
    }
  },
  gone: (name: string): string => l10n.t('HeyGen no longer has {0}: upload its source again or choose another asset.', name),
};

/** A network or device path, which is never read (see `isNetworkOrDevicePath`). */
const NOT_READ = Symbol('notRead');

/** What a local path's value names: a file, a network or device path, or nothing (a relative path without a folder). */
function localTarget(value: string, documentDir: string | undefined, home: string | undefined): string | typeof NOT_READ | undefined {
  if (isNetworkOrDevicePath(value)) {
    return NOT_READ;
  }
  const resolved = resolveLocalPath(value, documentDir, home);
  // A `file:` URL resolves to a UNC path on Windows.
  return resolved !== undefined && isNetworkOrDevicePath(resolved) ? NOT_READ : resolved;
}

/** Whether a reference names a network or device path, which nothing reads (hover, problems, uploads skip it). */
export function namesNetworkOrDevicePath(reference: AssetReference, documentDir: string | undefined, home?: string): boolean {
  return classifyValue(reference.value) === 'localPath' && localTarget(reference.value, documentDir, home) === NOT_READ;
}

/** A reference's local file, when its value is a path that resolves (never a network or device path). */
export function localPathOf(reference: AssetReference, documentDir: string | undefined, home?: string): string | undefined {
  const target = classifyValue(reference.value) === 'localPath' ? localTarget(reference.value, documentDir, home) : undefined;
  return target === NOT_READ ? undefined : target;
}

/**
 * The problems of a payload's references, from facts gathered beforehand (file checks, known assets): no file
 * system, no network, so it runs on every (debounced) change. HeyGen is never asked here.
 */
export function payloadProblems(references: readonly AssetReference[], context: ProblemContext): PayloadProblem[] {
  const problems: PayloadProblem[] = [];
  // Translated once per pass, not once per reference: a long payload repeats the same few sentences.
  const said = new Map<() => string, string>();
  const say = (message: () => string): string => {
    let text = said.get(message);
    if (text === undefined) {
      text = message();
      said.set(message, text);
    }
    return text;
  };
  for (const reference of references) {
    const at = { start: reference.start, end: reference.end, reference };
    const kind = classifyValue(reference.value);
    if (kind === 'localPath') {
      const localPath = localTarget(reference.value, context.documentDir, context.home);
      if (localPath === NOT_READ) {
        problems.push({ ...at, code: 'notRead', severity: 'warning', message: say(problemMessages.notRead) });
        continue;
      }
      if (localPath === undefined) {
        problems.push({ ...at, code: 'noFolder', severity: 'warning', message: say(problemMessages.noFolder) });
        continue;
      }
      const check = context.files(localPath);
      if (check && !check.valid) {
        const missing = check.problem === 'missing';
        problems.push({
          ...at,
          localPath,
          code: missing ? 'fileNotFound' : 'badFile',
          severity: 'error',
          message: missing ? say(problemMessages.fileNotFound) : check.reason,
        });
        continue;
      }
      const file = check?.file;
      if (file && !reference.kinds.includes(file.type.kind)) {
        problems.push({ ...at, localPath, code: 'wrongKind', severity: 'error', message: problemMessages.wrongKind(file.name, reference.path, reference.kinds) });
        continue;
      }
      problems.push({ ...at, localPath, code: 'localFile', severity: 'error', message: say(problemMessages.localFile) });
      if (file?.mislabelled && file.nameType) {
        problems.push({
          ...at,
          localPath,
          code: 'mislabelled',
          severity: 'warning',
          message: problemMessages.mislabelled(file.name, file.nameType.label, file.type.label, file.type.mime),
        });
      }
      continue;
    }
    if (kind === 'url' || kind === 'id') {
      const asset = context.known.find(reference.value);
      const id = asset?.id ?? (kind === 'id' ? reference.value.trim() : undefined);
      if (id !== undefined && context.known.isGone(id)) {
        problems.push({ ...at, asset, code: 'gone', severity: 'warning', message: problemMessages.gone(asset?.name ?? id) });
      }
    }
  }
  return problems;
}

/**
 * File checks for local references, cached by the file's identity (inode, size, modification time) and the size
 * limit, so a pass after a keystroke only stats the files and re-reads none that did not change.
 */
export class LocalFileChecks {
  private readonly cache = new Map<string, { stamp: string; check: FileCheck }>();

  constructor(private readonly maxBytes: () => number) {}

  get(path: string): FileCheck | undefined {
    return this.cache.get(path)?.check;
  }

  /** Brings the checks of `paths` up to date; resolves when all are. */
  async refresh(paths: Iterable<string>): Promise<void> {
    const maxBytes = this.maxBytes();
    await Promise.all(
      [...new Set(paths)].map(async (path) => {
        if (isNetworkOrDevicePath(path)) {
          // Not even a stat: on Windows that alone connects to the server a UNC path names.
          return;
        }
        let stamp: string;
        try {
          const info = await stat(path);
          stamp = `${info.ino}:${info.size}:${info.mtimeMs}:${maxBytes}`;
        } catch (error) {
          stamp = `error:${(error as NodeJS.ErrnoException).code ?? ''}:${maxBytes}`;
        }
        if (this.cache.get(path)?.stamp === stamp) {
          return;
        }
        const check = await validateFile(path, { maxBytes });
        this.cache.set(path, { stamp, check });
      }),
    );
  }

  /** Forgets everything (a file changed that a stat might not reveal, e.g. replaced within the same second). */
  clear(): void {
    this.cache.clear();
  }
}
