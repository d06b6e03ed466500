// What a new user reads in the manifest's contributions: command titles that name their view, the settings in the
// order a person needs them, spelled as HeyGen spells itself, and walkthrough steps that complete on what was done.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

const REPO = path.resolve(__dirname, '../../..');

interface Manifest {
  contributes: {
    commands: Array<{ command: string; title: string; category?: string }>;
    menus: Record<string, Array<{ command: string; when?: string }>>;
    configuration: Array<{ id?: string; title: string; order?: number; properties: Record<string, { title?: string; order?: number; default?: unknown }> }>;
    walkthroughs: Array<{ steps: Array<{ id: string; completionEvents?: string[]; media: { image?: string; markdown?: string; altText?: string } }> }>;
  };
}

const manifest = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as Manifest;
const nls = JSON.parse(readFileSync(path.join(REPO, 'package.nls.json'), 'utf8')) as Record<string, string>;

/** A manifest string as the person reads it: `%key%` replaced by its English text. */
function text(value: string): string {
  const match = /^%(.+)%$/.exec(value);
  if (!match) {
    return value;
  }
  const resolved = nls[match[1]];
  assert.ok(resolved !== undefined, `package.nls.json has no ${match[1]}`);
  return resolved;
}

function titleOf(command: string): string {
  const entry = manifest.contributes.commands.find((c) => c.command === command);
  assert.ok(entry, `${command} is contributed`);
  return `${entry.category ?? ''}: ${text(entry.title)}`;
}

void describe('command titles name the view they act on', () => {
  void it('Filter, Refresh and Clear Filter say Assets or Library; the ids stay as they are', () => {
    assert.equal(titleOf('heygen.filterHistory'), 'HeyGen: Filter Assets…');
    assert.equal(titleOf('heygen.refreshHistory'), 'HeyGen: Refresh Assets');
    assert.equal(titleOf('heygen.clearFilter'), 'HeyGen: Clear Assets Filter');
    assert.equal(titleOf('heygen.filterLibrary'), 'HeyGen: Filter Library…');
    assert.equal(titleOf('heygen.refreshLibrary'), 'HeyGen: Refresh Library');
    assert.equal(titleOf('heygen.clearLibraryFilter'), 'HeyGen: Clear Library Filter');
  });

  void it('no two commands in the palette share a title', () => {
    // A command hidden from the palette is only met in its own view's menus, where the view says what it acts on.
    const hidden = new Set(manifest.contributes.menus.commandPalette.filter((m) => m.when === 'false').map((m) => m.command));
    const titles = manifest.contributes.commands.filter((c) => !hidden.has(c.command)).map((c) => text(c.title));
    assert.deepEqual(titles.filter((t, i) => titles.indexOf(t) !== i), []);
  });
});

void describe('Filter and Refresh are offered only where there is something to filter or refresh', () => {
  const titleBar = (command: string, view: string): string | undefined =>
    manifest.contributes.menus['view/title'].find((m) => m.command === command && m.when?.includes(`view == ${view}`))?.when;

  void it('the Assets view offers them once the history holds an asset (or a filter is set)', () => {
    assert.match(titleBar('heygen.filterHistory', 'heygen.assets') ?? '', /heygen\.hasUploaded/);
    assert.match(titleBar('heygen.refreshHistory', 'heygen.assets') ?? '', /heygen\.hasUploaded/);
  });

  void it('the Library offers them once a key is set', () => {
    assert.match(titleBar('heygen.filterLibrary', 'heygen.library') ?? '', /heygen\.hasApiKey/);
    assert.match(titleBar('heygen.refreshLibrary', 'heygen.library') ?? '', /heygen\.hasApiKey/);
  });

  void it('the palette hides them in the same cases', () => {
    const palette = (command: string): string | undefined => manifest.contributes.menus.commandPalette.find((m) => m.command === command)?.when;
    assert.match(palette('heygen.filterHistory') ?? '', /heygen\.hasUploaded/);
    assert.match(palette('heygen.refreshHistory') ?? '', /heygen\.hasUploaded/);
    assert.match(palette('heygen.filterLibrary') ?? '', /heygen\.hasApiKey/);
    assert.match(palette('heygen.refreshLibrary') ?? '', /heygen\.hasApiKey/);
  });
});

void describe('settings: everyday ones first, endpoints last, spelled HeyGen, API, URL', () => {
  const ordered = [...manifest.contributes.configuration]
    .sort((a, b) => (a.order ?? 0) - (b.order ?? 0))
    .flatMap((category) =>
      Object.entries(category.properties)
        .sort(([, a], [, b]) => (a.order ?? 0) - (b.order ?? 0))
        .map(([key, schema]) => ({ key, title: schema.title === undefined ? undefined : text(schema.title), category: text(category.title) })),
    );

  void it('every setting has a title and an order', () => {
    for (const category of manifest.contributes.configuration) {
      for (const [key, schema] of Object.entries(category.properties)) {
        assert.ok(schema.title, `${key} has a title`);
        assert.equal(typeof schema.order, 'number', `${key} has an order`);
      }
    }
  });

  void it('reference style, upload size and concurrency come first; the endpoints last', () => {
    const keys = ordered.map((s) => s.key);
    assert.deepEqual(keys.slice(0, 3), ['heygen.snippet.reference', 'heygen.maxUploadSizeMB', 'heygen.upload.concurrency']);
    assert.deepEqual(keys.slice(-2), ['heygen.apiBaseUrl', 'heygen.uploadUrl']);
  });

  void it('titles and categories spell HeyGen, API and URL as HeyGen does', () => {
    const byKey = new Map(ordered.map((s) => [s.key, s]));
    assert.equal(byKey.get('heygen.apiBaseUrl')?.title, 'API Base URL');
    assert.equal(byKey.get('heygen.uploadUrl')?.title, 'Upload URL');
    assert.equal(byKey.get('heygen.api.version')?.title, 'API Version');
    for (const setting of ordered) {
      for (const words of [setting.title ?? '', setting.category]) {
        assert.doesNotMatch(words, /Heygen|\bApi\b|\bUrl\b/, `${setting.key}: "${words}"`);
      }
    }
  });
});

void describe('the walkthrough', () => {
  const steps = manifest.contributes.walkthroughs[0].steps;
  const step = (id: string) => {
    const found = steps.find((s) => s.id === id);
    assert.ok(found, id);
    return found;
  };

  void it('ticks the key step only when HeyGen accepted a key, and the upload step only when an upload is in the history', () => {
    // A command's start (onCommand) is not the key accepted nor the file uploaded; and the walkthrough moving on to
    // the next step at that moment takes the keyboard focus from the box the command just opened.
    assert.deepEqual(step('heygen.walkthrough.setKey').completionEvents, ['onContext:heygen.keyChecked']);
    assert.deepEqual(step('heygen.walkthrough.upload').completionEvents, ['onContext:heygen.hasUploaded']);
  });

  void it('gives each step an image with alt text, small enough for the package', () => {
    for (const { id, media } of steps) {
      assert.ok(media.image, `${id} has an image`);
      assert.ok(media.altText && text(media.altText).length > 20, `${id} says what its image shows`);
      const file = path.join(REPO, media.image);
      assert.ok(existsSync(file), `${media.image} exists`);
      // The whole .vsix has a 150 KB budget (test/tools/vsix.ts): screenshots of 50 to 130 KB each do not fit.
      assert.ok(statSync(file).size < 4096, `${media.image} is ${statSync(file).size} bytes`);
    }
  });
});
