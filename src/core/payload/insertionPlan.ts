import {
  buildSnippet,
  dialectForLanguage,
  lineIndentAt,
  roleAccepts,
  type IndentOptions,
  type PayloadVersion,
  type ReferenceMode,
  type SnippetAsset,
  type SnippetDefaults,
  type SnippetEntry,
  type SnippetRole,
  type SnippetShape,
} from './buildSnippet';
import { propertyKeyFor, propertyKeysFor } from './fragmentValues';
import { buildContainers, isItem, isV3Body, isVideoInputsArray, type Container } from './payloadContainers';
import { parseForLanguage } from './payloadTokens';
import { memberAround, separate, type Placement } from './memberGaps';
import { planNewV3Body, wantsNewV3Body } from './newBodyPlan';
import { detectBodies } from './payloadShape';
import { buildV3BodySnippet, type V3BodyShape } from './v3Body';

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
 *   becoming `audio_asset_id`);
 * - outside every body, in a file that holds no v2 body and either holds v3 bodies or no payload at all with
 *   `heygen.payload.version` v3 → a whole new v3 body (see newBodyPlan.ts); otherwise the rules for the list, other
 *   arrays, objects and the top level above apply.
 * A cursor inside a comment moves before the comment; inside a string or other token, after that member.
 * JSON and JSONC are tokenized by jsonc-parser; JavaScript, TypeScript and Python by a small scanner that knows
 * their strings and comments and follows brackets, which is enough for literal payloads in code.
 */
export interface InsertionPlan extends Placement {
  shape: SnippetShape | V3BodyShape;
  /**
   * Identifies the object or array the fragment goes into; two cursors with the same target would insert the
   * same property twice, so callers keep one of them. Undefined when the cursor position itself is the target.
   */
  target?: string;
  /** The payload the fragment goes into; v2 unless the cursor is inside a v3 body or a new v3 body is written. */
  version?: PayloadVersion;
}

/**
 * Decides what to insert where for a cursor at `offset`; see the module comment for the rules. `newPayloads` is
 * `heygen.payload.version`: what a file without a payload gets (v2 when absent, as before v3 became the default).
 */
export function planInsertion(
  text: string,
  offset: number,
  languageId: string,
  role: SnippetRole,
  reference: ReferenceMode = 'url',
  newPayloads: PayloadVersion = 'v2',
): InsertionPlan {
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
    return { ...separate(text, c, holder ? holder.end : p), shape: 'property', target };
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
    return { ...separate(text, c, holder ? holder.end : p), shape: 'property', target, version: 'v3' };
  }

  // No payload around the cursor, and v3 is what this file holds or gets: a whole v3 body.
  if (wantsNewV3Body(detectBodies(text, languageId), p, newPayloads)) {
    return { ...planNewV3Body(text, p, innermost, scan.tokens, dialect), version: 'v3' };
  }
  if (!innermost) {
    return elsewhere;
  }

  if (isVideoInputsArray(innermost)) {
    const holder = memberAround(innermost, p);
    return { ...separate(text, innermost, holder ? holder.end : p), shape: 'item', target: holder ? `after@${holder.end}` : undefined };
  }

  for (let c: Container | undefined = innermost; c; c = c.parent) {
    // A payload object: the item goes to the end of its video_inputs list.
    const list = c.bracket === '{' ? c.members.find((m) => m.key === 'video_inputs' && isVideoInputsArray(m.child))?.child : undefined;
    if (list) {
      const last = list.members[list.members.length - 1];
      const q = last ? last.end : list.close;
      return { ...separate(text, list, q), shape: 'item', target: `array@${list.open}` };
    }
  }
  if (innermost.bracket === '[') {
    // Some other list: still an element of it, with its commas.
    const holder = memberAround(innermost, p);
    return { ...separate(text, innermost, holder ? holder.end : p), shape: 'item', target: holder ? `after@${holder.end}` : undefined };
  }
  if (innermost.bracket === '{') {
    // An object without a list: give it one, so the result is still a well-formed object.
    const holder = memberAround(innermost, p);
    return { ...separate(text, innermost, holder ? holder.end : p), shape: 'list', target: `object@${innermost.open}` };
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
  /** `heygen.snippet.reference`; `url` when absent (`auto` for a new v3 body). */
  reference?: ReferenceMode;
  /** `heygen.payload.version`: what a file without a payload gets; `v2` when absent. */
  newPayloads?: PayloadVersion;
}

export interface SnippetEditPlan {
  shape: SnippetShape | V3BodyShape;
  /** The payload the fragment went into. */
  version: PayloadVersion;
  start: number;
  end: number;
  /** VS Code snippet syntax. */
  snippet: string;
  extraEdits: Array<{ offset: number; text: string }>;
  target?: string;
  /**
   * How many assets the snippet holds: all of them for whole items, only the first for a property or value, one per
   * place (background, talking photo, audio) for a new v3 body.
   */
  inserted: number;
}

/** The snippet and the edits for one cursor at `offset` in `text`. */
export function planSnippetEdit(text: string, offset: number, request: SnippetEditRequest): SnippetEditPlan {
  return toSnippetEdit(text, planInsertion(text, offset, request.languageId, request.role, request.reference, request.newPayloads), request);
}

function isV3BodyShape(shape: InsertionPlan['shape']): shape is V3BodyShape {
  return shape === 'body' || shape === 'declaration' || shape === 'members';
}

function toSnippetEdit(text: string, plan: InsertionPlan, request: SnippetEditRequest): SnippetEditPlan {
  const baseIndent = request.editorIndents ? '' : lineIndentAt(text, plan.start);
  const { shape } = plan;
  const version = plan.version ?? 'v2';
  // A v3 body has no place for some assets (a video background): they are left out, and counted so.
  const fits = (e: SnippetEntry): boolean => version === 'v2' || roleAccepts(e.role, e.asset.fileType, 'v3');
  const first: SnippetEntry = { role: request.role, asset: request.asset };
  const nothing: SnippetEditPlan = { shape, version, start: plan.start, end: plan.start, snippet: '', extraEdits: [], target: plan.target, inserted: 0 };
  if (isV3BodyShape(shape)) {
    const entries = [first, ...(request.extraItems ?? [])].filter(fits);
    if (entries.length === 0) {
      return nothing;
    }
    const { text: snippet, used } = buildV3BodySnippet({
      entries,
      languageId: request.languageId,
      shape,
      indent: request.indent,
      defaults: request.defaults,
      reference: request.reference,
      baseIndent,
      prefix: plan.prefix,
      suffix: plan.suffix,
      plainText: request.plainText,
    });
    return { shape, version, start: plan.start, end: plan.end, snippet, extraEdits: plan.extraEdits, target: plan.target, inserted: used };
  }
  if (!fits(first)) {
    return nothing;
  }
  const wholeItems = plan.shape === 'item' || plan.shape === 'list';
  const extraItems = wholeItems ? (request.extraItems ?? []) : [];
  const snippet = buildSnippet({
    role: request.role,
    asset: request.asset,
    languageId: request.languageId,
    shape,
    indent: request.indent,
    defaults: request.defaults,
    baseIndent,
    prefix: plan.prefix,
    suffix: plan.suffix,
    plainText: request.plainText,
    extraItems,
    reference: request.reference,
    version: plan.version,
  });
  return {
    shape,
    version,
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
    const plan = planInsertion(text, cursor.start, request.languageId, request.role, request.reference, request.newPayloads);
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
