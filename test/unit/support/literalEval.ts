// Reading generated literals back in their own language: JavaScript in node:vm, Python with ast.literal_eval.
import { execFileSync, spawnSync } from 'node:child_process';
import * as vm from 'node:vm';
import fc from 'fast-check';

export function evalJs(text: string): unknown {
  // This realm, so deepStrictEqual sees the same Object.prototype; the text holds literals only.
  return new vm.Script(`(${text})`).runInThisContext() as unknown;
}

/** CI installs python3 with the other Debian packages; elsewhere its absence is reported as a skip, not a pass. */
export const PYTHON_MISSING = spawnSync('python3', ['--version']).status === 0 ? false : 'python3 is not installed';

/** Evaluates many Python literals in one interpreter: one process start instead of hundreds. */
export function evalPythonBatch(texts: string[]): unknown[] {
  const program = [
    'import ast, json, sys',
    'texts = json.loads(sys.stdin.read())',
    'out = []',
    'for t in texts:',
    '    try:',
    '        out.append({"ok": ast.literal_eval(t)})',
    '    except Exception as e:',
    '        out.append({"error": repr(e)})',
    // Lone surrogates survive only as \\u escapes; ensure_ascii (the default) writes them so.
    'sys.stdout.write(json.dumps(out))',
  ].join('\n');
  const stdout = execFileSync('python3', ['-c', program], { input: JSON.stringify(texts), maxBuffer: 64 * 1024 * 1024 });
  const results = JSON.parse(stdout.toString('utf8')) as Array<{ ok?: unknown; error?: string }>;
  return results.map((r, i) => {
    if (r.error !== undefined) {
      throw new Error(`Python could not read ${JSON.stringify(texts[i])}: ${r.error}`);
    }
    return r.ok;
  });
}

/** Strings with everything that must be escaped somewhere: quotes, backslashes, snippet syntax, line breaks, surrogates. */
export const nastyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc
    .array(fc.constantFrom('"', "'", '\\', '$', '}', '{', '${1:x}', '$0', '\n', '\r\n', '\t', '\u2028', '\u0085', '`', '#', '//', 'é', '😀', '\ud800', '\udc00', 'a', ' '), {
      maxLength: 12,
    })
    .map((parts) => parts.join('')),
);
