// Extracts every vscode.l10n.t / l10n.t sentence under src/ into l10n/bundle.l10n.json, the English bundle
// translators start from. It writes what `npx @vscode/l10n-dev export --outDir l10n ./src` writes for this code base
// (string-literal messages: the message is its own key); @vscode/l10n-dev is not among the installed packages, so the
// build uses this until it is. Run by esbuild.mjs, so `npm run build` and `vscode:prepublish` both refresh it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

/** `l10n.t('…')` and `vscode.l10n.t('…')`: the callee ends in `l10n.t`. */
function isL10nCall(node) {
  return (
    ts.isCallExpression(node) &&
    ts.isPropertyAccessExpression(node.expression) &&
    node.expression.name.text === 't' &&
    ((ts.isIdentifier(node.expression.expression) && node.expression.expression.text === 'l10n') ||
      (ts.isPropertyAccessExpression(node.expression.expression) && node.expression.expression.name.text === 'l10n'))
  );
}

function sourceFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return sourceFiles(full);
    }
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** The bundle for the sources under `srcDir`: message → message, sorted, as l10n-dev writes it. */
export function collectMessages(srcDir) {
  const messages = new Map();
  const problems = [];
  for (const file of sourceFiles(srcDir).sort()) {
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node) => {
      if (isL10nCall(node)) {
        const [first] = node.arguments;
        if (first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) {
          messages.set(first.text, first.text);
        } else {
          const { line } = source.getLineAndCharacterOfPosition(node.getStart());
          problems.push(`${path.relative(process.cwd(), file)}:${line + 1}: l10n.t needs a string literal, or no tool can extract it`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  if (problems.length > 0) {
    throw new Error(problems.join('\n'));
  }
  return Object.fromEntries([...messages.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function writeBundle(srcDir = 'src', outDir = 'l10n') {
  const bundle = collectMessages(srcDir);
  fs.mkdirSync(outDir, { recursive: true });
  const target = path.join(outDir, 'bundle.l10n.json');
  const text = `${JSON.stringify(bundle, null, 2)}\n`;
  if (!fs.existsSync(target) || fs.readFileSync(target, 'utf8') !== text) {
    fs.writeFileSync(target, text);
  }
  return Object.keys(bundle).length;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`l10n/bundle.l10n.json: ${writeBundle()} messages`);
}
