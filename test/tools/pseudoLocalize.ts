// A pseudo-localized bundle: every sentence visibly changed but still readable, placeholders untouched, so a test can
// tell a translated sentence from the English source.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** VS Code's pseudo-locale: the bundle it loads is l10n/bundle.l10n.qps-ploc.json. */
export const PSEUDO_LOCALE = 'qps-ploc';

const ACCENTED: Readonly<Record<string, string>> = { a: 'á', e: 'é', i: 'í', o: 'ó', u: 'ú', A: 'Á', E: 'É', I: 'Í', O: 'Ó', U: 'Ú' };

/** "Filter: {0}" → "⟦Fíltér: {0}⟧": vowels accented outside `{n}` placeholders, the whole sentence bracketed. */
export function pseudoLocalize(message: string): string {
  const parts = message.split(/(\{\d+\})/);
  return `⟦${parts.map((part, i) => (i % 2 === 1 ? part : part.replace(/[aeiouAEIOU]/g, (c) => ACCENTED[c]))).join('')}⟧`;
}

/** Writes `<extensionDir>/l10n/bundle.l10n.qps-ploc.json` from the English bundle next to it. */
export function writePseudoBundle(extensionDir: string): string {
  const dir = path.join(extensionDir, 'l10n');
  const english = JSON.parse(fs.readFileSync(path.join(dir, 'bundle.l10n.json'), 'utf8')) as Record<string, string>;
  const pseudo = Object.fromEntries(Object.entries(english).map(([key, message]) => [key, pseudoLocalize(message)]));
  const target = path.join(dir, `bundle.l10n.${PSEUDO_LOCALE}.json`);
  fs.writeFileSync(target, `${JSON.stringify(pseudo, null, 2)}\n`);
  return target;
}
