import type { Dirent } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { hasSupportedExtension } from '../base/mediaKinds';

/** Folders holding more supported files than this ask before uploading them all. */
export const FOLDER_CONFIRM_THRESHOLD = 20;

/** Tool and version-control folders: nobody means to upload what is inside them. */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.vscode-test', '.hg', '.svn']);

/** Whether `path` is a folder (false for a missing path: the engine reports that with the file's name). */
export async function isFolder(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isDirectory();
  } catch {
    return false;
  }
}

/** The supported media files under `folder`, depth first in name order, skipping tool folders. */
export async function supportedFilesIn(folder: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries: Dirent[];
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
