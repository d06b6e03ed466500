import * as path from 'node:path';
import * as vscode from 'vscode';
import { FOLDER_CONFIRM_THRESHOLD, isFolder, supportedFilesIn } from '../../core/upload/folderFiles';
import { dialogFilters, supportedTypeList } from '../../core/base/mediaKinds';

/** What an upload command was given once folders are expanded: files to send, and folders with nothing in them. */
export interface ExpandedSelection {
  files: vscode.Uri[];
  emptyFolders: vscode.Uri[];
}

/**
 * Files as given, folders expanded to their supported files (each file once). Undefined when the person declines
 * to upload a folder holding more than FOLDER_CONFIRM_THRESHOLD files.
 */
export async function expandSelection(uris: readonly vscode.Uri[]): Promise<ExpandedSelection | undefined> {
  const files: vscode.Uri[] = [];
  const emptyFolders: vscode.Uri[] = [];
  const seen = new Set<string>();
  const add = (uri: vscode.Uri): void => {
    if (!seen.has(uri.toString())) {
      seen.add(uri.toString());
      files.push(uri);
    }
  };
  for (const uri of uris) {
    if (uri.scheme !== 'file' || !(await isFolder(uri.fsPath))) {
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
  return { files, emptyFolders };
}

/** The palette's file dialog (several files at once); undefined when the person closes it. */
export async function pickFiles(): Promise<vscode.Uri[] | undefined> {
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

/** The file of the active tab (any editor, an image preview too), else of the active text editor. */
export function activeResource(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input && typeof input === 'object' && 'uri' in input && input.uri instanceof vscode.Uri) {
    return input.uri;
  }
  return vscode.window.activeTextEditor?.document.uri;
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

/** The URL input box, prefilled with a URL from the clipboard. */
export async function askForUrl(): Promise<string | undefined> {
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
