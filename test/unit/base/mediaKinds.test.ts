import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  SUPPORTED_EXTENSIONS,
  SUPPORTED_TYPES,
  dialogFilters,
  hasSupportedExtension,
  resourceExtnamePattern,
  supportedTypeList,
} from '../../../src/core/base/mediaKinds';

const REPO = path.join(__dirname, '..', '..', '..');

interface MenuEntry {
  command: string;
  when?: string;
}

function manifest(): { contributes: { menus: Record<string, MenuEntry[]> } } {
  return JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { contributes: { menus: Record<string, MenuEntry[]> } };
}

/** Every `resourceExtname =~ /…/flags` in the manifest's menus, with where it was found. */
function extnameClauses(): { where: string; source: string; flags: string }[] {
  const out: { where: string; source: string; flags: string }[] = [];
  for (const [menu, entries] of Object.entries(manifest().contributes.menus)) {
    for (const entry of entries) {
      for (const match of (entry.when ?? '').matchAll(/resourceExtname =~ \/((?:\\.|[^/])+)\/([a-z]*)/g)) {
        out.push({ where: `${menu} ${entry.command}`, source: match[1], flags: match[2] });
      }
    }
  }
  return out;
}

void describe('the supported media types: one list', () => {
  void it('every resourceExtname clause in package.json is the pattern derived from the list', () => {
    const clauses = extnameClauses();
    assert.ok(clauses.length >= 3, `found only ${clauses.length} clauses`);
    for (const clause of clauses) {
      assert.equal(clause.source, resourceExtnamePattern(), clause.where);
      assert.equal(clause.flags, 'i', clause.where);
    }
  });

  void it('the derived pattern accepts exactly the supported extensions, in any case', () => {
    const pattern = new RegExp(resourceExtnamePattern(), 'i');
    for (const extension of SUPPORTED_EXTENSIONS) {
      assert.ok(pattern.test(`.${extension}`), extension);
      assert.ok(pattern.test(`.${extension.toUpperCase()}`), extension);
    }
    for (const other of ['.jpgg', '.jg', '.pn', '.mp', '.gif', '.avi', '.mp4x', 'mp4', '.json']) {
      assert.ok(!pattern.test(other), other);
    }
    assert.equal(resourceExtnamePattern(), '^\\.(jpe?g|png|mp4|webm|mp3|wav)$');
  });

  void it('dialog filters, folder expansion and messages come from the list', () => {
    const filters = dialogFilters();
    assert.deepEqual(filters, {
      'Media (JPEG, PNG, MP4, WebM, MP3, WAV)': ['jpg', 'jpeg', 'png', 'mp4', 'webm', 'mp3', 'wav'],
      Images: ['jpg', 'jpeg', 'png'],
      Videos: ['mp4', 'webm'],
      Audio: ['mp3', 'wav'],
    });
    assert.deepEqual(
      Object.values(filters).slice(1).flat().sort(),
      [...SUPPORTED_EXTENSIONS].sort(),
      'the per-kind filters cover every type once',
    );
    assert.ok(hasSupportedExtension('clip.WebM') && hasSupportedExtension('a.b.jpeg'));
    assert.ok(!hasSupportedExtension('notes.txt') && !hasSupportedExtension('.png') && !hasSupportedExtension('png'));
    assert.equal(supportedTypeList(), 'JPEG, PNG, MP4, WebM, MP3 or WAV');
    assert.equal(supportedTypeList(SUPPORTED_TYPES.filter((t) => t.kind === 'audio')), 'MP3 or WAV');
    const nls = JSON.parse(readFileSync(path.join(REPO, 'package.nls.json'), 'utf8')) as Record<string, string>;
    assert.ok(nls['viewsWelcome.noAssets'].includes(supportedTypeList()), 'the welcome text names every type');
  });
});
