/**
 * Resolves the VS Code snippet syntax that src/core/snippets generates (escapes `\$ \} \\`, tabstops `$n`, `${n}`,
 * placeholders `${n:…}`) to the text a person gets when accepting every default, the way VS Code's parser
 * reads it: a bare `}` outside a placeholder is text, inside one it ends the placeholder. Stricter than VS Code
 * in one point: a `$` that is not a tabstop throws, because VS Code would read it as a variable.
 */
export interface ResolvedSnippet {
  text: string;
  /** Placeholder defaults by tabstop index, in order of appearance. */
  placeholders: Map<number, string[]>;
  finalTabstops: number;
}

export function resolveSnippet(snippet: string): ResolvedSnippet {
  const placeholders = new Map<number, string[]>();
  let finalTabstops = 0;
  let i = 0;

  const readIndex = (): number => {
    const match = /^\d+/.exec(snippet.slice(i));
    if (!match) {
      throw new Error(`Unescaped "$" at ${i} in snippet: ${JSON.stringify(snippet)}`);
    }
    i += match[0].length;
    return Number(match[0]);
  };

  const parse = (inPlaceholder: boolean): string => {
    let out = '';
    while (i < snippet.length) {
      const c = snippet[i];
      if (c === '\\') {
        const next = snippet[i + 1];
        if (next === '$' || next === '}' || next === '\\') {
          out += next;
          i += 2;
        } else {
          out += c;
          i++;
        }
        continue;
      }
      if (c === '}') {
        if (inPlaceholder) {
          i++;
          return out;
        }
        // Outside a placeholder VS Code reads a bare "}" as text (our structural braces rely on it).
        out += c;
        i++;
        continue;
      }
      if (c === '$') {
        i++;
        let index: number;
        let value = '';
        if (snippet[i] === '{') {
          i++;
          index = readIndex();
          if (snippet[i] === ':') {
            i++;
            value = parse(true);
          } else if (snippet[i] === '}') {
            i++;
          } else {
            throw new Error(`Bad placeholder at ${i} in snippet: ${JSON.stringify(snippet)}`);
          }
        } else {
          index = readIndex();
        }
        if (index === 0) {
          finalTabstops++;
        }
        placeholders.set(index, [...(placeholders.get(index) ?? []), value]);
        out += value;
        continue;
      }
      out += c;
      i++;
    }
    if (inPlaceholder) {
      throw new Error(`Unclosed placeholder in snippet: ${JSON.stringify(snippet)}`);
    }
    return out;
  };

  const text = parse(false);
  return { text, placeholders, finalTabstops };
}
