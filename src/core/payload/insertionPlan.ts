import {
  buildSnippet,
  dialectForLanguage,
  lineIndentAt,
  propertyKeyFor,
  propertyKeysFor,
  type IndentOptions,
  type PayloadVersion,
  type ReferenceMode,
  type SnippetAsset,
  type SnippetDefaults,
  type SnippetEntry,
  type SnippetRole,
  type SnippetShape,
} from './buildSnippet';
import { buildContainers, isItem, isV3Body, isVideoInputsArray, type Container, type Member } from './payloadContainers';
import { parseForLanguage } from './payloadTokens';

/**
 * Where and what to insert so the payload stays well-formed.
 *
 * How the cursor is understood:
 * - inside an item object of a `video_inputs` array → only the property (`"background": {…}`); if the item
 *   already has that property, its value is replaced (shape `value`) instead of adding a duplicate key;
 *   a cursor inside another property's value moves to just after that property;
 * - directly inside the `video_inputs` array → a whole item, with commas to its neighbours;
 * - elsewhere inside an object that has a `video_inputs` array, or inside anything nested in such an object
 *   (say `"dimension": {…}` of the payload) → a whole item at the end of that array;
 * - inside another array → a whole item as an element of it, with commas;
 * - inside an object with no `video_inputs` anywhere around it → a `"video_inputs": [item]` property (shape `list`);
 * - anywhere else (top level, parentheses of a call, plain text) → a whole item at the cursor;
 * - inside a v3 body (`POST /v3/videos`: an object with a top-level `type` of `avatar` or `image` and no
 *   `video_inputs`), at any depth → the v3 property (`background`, `image`, `audio_url`/`audio_asset_id`) of that
 *   body, replacing the one it already has (shape `value`, or `property` when the key changes, e.g. `audio_url`
 *   becoming `audio_asset_id`).
 * A cursor inside a comment moves before the comment; inside a string or other token, after that member.
 * JSON and JSONC are tokenized by jsonc-parser; JavaScript, TypeScript and Python by a small scanner that knows
 * their strings and comments and follows brackets, which is enough for literal payloads in code.
 */
export interface InsertionPlan {
  shape: SnippetShape;
  /** Range of the document replaced by the snippet (equal for a plain insertion). */
  start: number;
  end: number;
  /** Plain text put around the fragment: separating commas, maybe a line break. */
  prefix: string;
  suffix: string;
  /** Plain insertions elsewhere in the document, e.g. a comma after the previous member on an earlier line. */
  extraEdits: Array<{ offset: number; text: string }>;
  /**
   * Identifies the object or array the fragment goes into; two cursors with the same target would insert the
   * same property twice, so callers keep one of them. Undefined when the cursor position itself is the target.
   */
  target?: string;
  /**
   * The gap between two members (or the start or end of a container) this insertion falls into. Cursors in
   * the same gap are planned on the same text, so the caller separates their fragments from each other.
   */
  gap?: string;
  /** The payload the fragment goes into; v2 unless the cursor is inside a v3 body. */
  version?: PayloadVersion;
}

function sameLine(text: string, a: number, b: number): boolean {
  const [from, to] = a <= b ? [a, b] : [b, a];
  return !text.slice(from, to).includes('\n');
}

/** Commas and line breaks needed to put a new member at `q` among `container`'s members. */
function separate(text: string, container: Container, q: number, shape: SnippetShape): InsertionPlan {
  let prev: Member | undefined;
  let next: Member | undefined;
  for (const m of container.members) {
    if (m.end <= q) {
      prev = m;
    } else if (m.start >= q && !next) {
      next = m;
    }
  }
  const commaBeforeQ = prev?.commaAt !== undefined && prev.commaAt < q;
  const commaAfterQ = prev?.commaAt !== undefined && prev.commaAt >= q;
  // An existing comma splits the space between two members into two gaps, each with its own needs.
  const gap = `${container.open}:${prev ? container.members.indexOf(prev) : -1}:${commaBeforeQ ? 1 : 0}`;
  const plan: InsertionPlan = { shape, start: q, end: q, prefix: '', suffix: '', extraEdits: [], gap };
  if (prev && !commaBeforeQ) {
    if (sameLine(text, prev.end, q)) {
      // Right after a member on the same line: start the fragment on a line of its own.
      plan.prefix = ',';
    } else {
      plan.extraEdits.push({ offset: prev.end, text: ',' });
    }
  }
  if (next && !commaAfterQ) {
    plan.suffix = ',';
  }
  // The fragment gets lines of its own: a line break before it when text precedes it on its line, and
  // after it when text (a member, a closing bracket) follows.
  if (/\S/.test(lineBefore(text, q)) && !plan.prefix.includes('\n')) {
    plan.prefix += '\n';
  }
  if (/\S/.test(lineAfter(text, q)) && !(next && !sameLine(text, q, next.start) && plan.suffix)) {
    plan.suffix += '\n';
  }
  return plan;
}

function lineBefore(text: string, offset: number): string {
  return text.slice(text.lastIndexOf('\n', offset - 1) + 1, offset);
}

function lineAfter(text: string, offset: number): string {
  const end = text.indexOf('\n', offset);
  return text.slice(offset, end < 0 ? text.length : end);
}

/** The member of `container` whose text contains `offset` strictly inside it. */
function memberAround(container: Container, offset: number): Member | undefined {
  return container.members.find((m) => m.start < offset && offset < m.end);
}

/** Decides what to insert where for a cursor at `offset`; see the module comment for the rules. */
export function planInsertion(text: string, offset: number, languageId: string, role: SnippetRole, reference: ReferenceMode = 'url'): InsertionPlan {
  const dialect = dialectForLanguage(languageId);
  const scan = parseForLanguage(text, dialect);
  let p = offset;
  for (const comment of scan.comments) {
    const inside = comment.start < p && (comment.line ? p <= comment.end : p < comment.end);
    if (inside) {
      // Text typed into a comment would be lost in it: insert before the comment instead.
      p = comment.start;
    }
  }
  const elsewhere: InsertionPlan = { shape: 'item', start: offset, end: offset, prefix: '', suffix: '', extraEdits: [] };
  const containers = buildContainers(scan.tokens, text.length);
  let innermost: Container | undefined;
  for (const c of containers) {
    if (c.open < p && p <= c.close && (!innermost || c.open > innermost.open)) {
      innermost = c;
    }
  }
  if (!innermost) {
    return elsewhere;
  }

  // Inside a video_inputs item, at any depth.
  let child: Container | undefined;
  for (let c: Container | undefined = innermost; c; child = c, c = c.parent) {
    if (!isItem(c)) {
      continue;
    }
    const key = propertyKeyFor(role);
    const existing = c.members.find((m) => m.key === key && m.valueStart !== undefined);
    const target = `item@${c.open}`;
    if (existing) {
      return { shape: 'value', start: existing.valueStart!, end: existing.end, prefix: '', suffix: '', extraEdits: [], target };
    }
    const holder = child ? c.members.find((m) => m.start <= child!.open && child!.open < m.end) : memberAround(c, p);
    return { ...separate(text, c, holder ? holder.end : p, 'property'), target };
  }

  // Inside a v3 body, at any depth: its flat property.
  child = undefined;
  for (let c: Container | undefined = innermost; c; child = c, c = c.parent) {
    if (!isV3Body(c)) {
      continue;
    }
    const keys = propertyKeysFor(role, 'v3');
    const key = propertyKeyFor(role, 'v3', reference);
    const existing = c.members.find((m) => m.key !== undefined && keys.includes(m.key) && m.valueStart !== undefined);
    const target = `body@${c.open}`;
    if (existing?.key === key) {
      return { shape: 'value', start: existing.valueStart!, end: existing.end, prefix: '', suffix: '', extraEdits: [], target, version: 'v3' };
    }
    if (existing) {
      return { shape: 'property', start: existing.start, end: existing.end, prefix: '', suffix: '', extraEdits: [], target, version: 'v3' };
    }
    const holder = child ? c.members.find((m) => m.start <= child!.open && child!.open < m.end) : memberAround(c, p);
    return { ...separate(text, c, holder ? holder.end : p, 'property'), target, version: 'v3' };
  }

  if (isVideoInputsArray(innermost)) {
    const holder = memberAround(innermost, p);
    return { ...separate(text, innermost, holder ? holder.end : p, 'item'), target: holder ? `after@${holder.end}` : undefined };
  }

  for (let c: Container | undefined = innermost; c; c = c.parent) {
    // A payload object: the item goes to the end of its video_inputs list.
    const list = c.bracket === '{' ? c.members.find((m) => m.key === 'video_inputs' && isVideoInputsArray(m.child))?.child : undefined;
    if (list) {
      const last = list.members[list.members.length - 1];
      const q = last ? last.end : list.close;
      return { ...separate(text, list, q, 'item'), target: `array@${list.open}` };
    }
  }
  if (innermost.bracket === '[') {
    // Some other list: still an element of it, with its commas.
    const holder = memberAround(innermost, p);
    return { ...separate(text, innermost, holder ? holder.end : p, 'item'), target: holder ? `after@${holder.end}` : undefined };
  }
  if (innermost.bracket === '{') {
    // An object without a list: give it one, so the result is still a well-formed object.
    const holder = memberAround(innermost, p);
    return { ...separate(text, innermost, holder ? holder.end : p, 'list'), target: `object@${innermost.open}` };
  }
  return elsewhere;
}

export interface SnippetEditRequest {
  role: SnippetRole;
  asset: SnippetAsset;
  languageId: string;
  indent: IndentOptions;
  defaults: SnippetDefaults;
  /**
   * True when the editor itself indents the snippet's following lines to the current line (VS Code does this
   * for snippets); false to get text already indented to the line of the insertion point.
   */
  editorIndents: boolean;
  /** Plain text rather than snippet syntax; see `SnippetRequest.plainText`. */
  plainText?: boolean;
  /** Further assets dropped together; see `SnippetRequest.extraItems`. */
  extraItems?: readonly SnippetEntry[];
  /** `heygen.snippet.reference`; `url` when absent. */
  reference?: ReferenceMode;
}

export interface SnippetEditPlan {
  shape: SnippetShape;
  start: number;
  end: number;
  /** VS Code snippet syntax. */
  snippet: string;
  extraEdits: Array<{ offset: number; text: string }>;
  target?: string;
  /** How many assets the snippet holds: all of them for whole items, only the first for a property or value. */
  inserted: number;
}

/** The snippet and the edits for one cursor at `offset` in `text`. */
export function planSnippetEdit(text: string, offset: number, request: SnippetEditRequest): SnippetEditPlan {
  return toSnippetEdit(text, planInsertion(text, offset, request.languageId, request.role, request.reference), request);
}

function toSnippetEdit(text: string, plan: InsertionPlan, request: SnippetEditRequest): SnippetEditPlan {
  const wholeItems = plan.shape === 'item' || plan.shape === 'list';
  const extraItems = wholeItems ? (request.extraItems ?? []) : [];
  const snippet = buildSnippet({
    role: request.role,
    asset: request.asset,
    languageId: request.languageId,
    shape: plan.shape,
    indent: request.indent,
    defaults: request.defaults,
    baseIndent: request.editorIndents ? '' : lineIndentAt(text, plan.start),
    prefix: plan.prefix,
    suffix: plan.suffix,
    plainText: request.plainText,
    extraItems,
    reference: request.reference,
    version: plan.version,
  });
  return {
    shape: plan.shape,
    start: plan.start,
    end: plan.end,
    snippet,
    extraEdits: plan.extraEdits,
    target: plan.target,
    inserted: 1 + extraItems.length,
  };
}

/**
 * Plans for several cursors (selections as offset ranges) at once. Every cursor is fitted to its own place;
 * cursors that would fill the same item or list are inserted once (the first wins); cursors in the same gap
 * get commas between their fragments; a plain insertion at a non-empty selection replaces the selection.
 */
export function planSnippetEdits(text: string, cursors: ReadonlyArray<{ start: number; end: number }>, request: SnippetEditRequest): SnippetEditPlan[] {
  const sorted = [...cursors].sort((a, b) => a.start - b.start);
  const chosen: InsertionPlan[] = [];
  const targets = new Set<string>();
  for (const cursor of sorted) {
    const plan = planInsertion(text, cursor.start, request.languageId, request.role, request.reference);
    if (plan.target !== undefined) {
      if (targets.has(plan.target)) {
        continue;
      }
      targets.add(plan.target);
    }
    if (cursor.end > cursor.start && plan.start === cursor.start && plan.end === cursor.start) {
      plan.end = cursor.end;
    }
    const clash = chosen.some((c) => (c.start < plan.end && plan.start < c.end) || c.start === plan.start);
    if (!clash) {
      chosen.push(plan);
    }
  }
  chosen.sort((a, b) => a.start - b.start);
  for (let i = 1; i < chosen.length; i++) {
    const before = chosen[i - 1];
    const plan = chosen[i];
    if (plan.gap !== undefined && plan.gap === before.gap) {
      // Planned on the same text, both fragments think they follow the same member: the earlier one
      // separates itself from the later one, which needs no comma (or extra edit) of its own.
      if (!before.suffix.startsWith(',')) {
        before.suffix = ',' + before.suffix;
      }
      plan.prefix = plan.prefix.replace(/^,/, '');
      plan.extraEdits = [];
    }
  }
  const seen = new Set<number>();
  return chosen.map((plan) => {
    plan.extraEdits = plan.extraEdits.filter((e) => !seen.has(e.offset) && seen.add(e.offset));
    return toSnippetEdit(text, plan, request);
  });
}
