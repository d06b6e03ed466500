import type { Container, Member } from './payloadContainers';

/**
 * Where a new member goes among a container's members, and the plain text around it that keeps the container
 * well-formed: separating commas (one maybe on an earlier line) and line breaks, so the fragment has lines of its own.
 */
export interface Placement {
  /** Range of the document replaced by the fragment (equal for a plain insertion). */
  start: number;
  end: number;
  /** Plain text put around the fragment: separating commas, maybe a line break. */
  prefix: string;
  suffix: string;
  /** Plain insertions elsewhere in the document, e.g. a comma after the previous member on an earlier line. */
  extraEdits: Array<{ offset: number; text: string }>;
  /**
   * The gap between two members (or the start or end of a container) this insertion falls into. Cursors in
   * the same gap are planned on the same text, so the caller separates their fragments from each other.
   */
  gap?: string;
}

function sameLine(text: string, a: number, b: number): boolean {
  const [from, to] = a <= b ? [a, b] : [b, a];
  return !text.slice(from, to).includes('\n');
}

/** Commas and line breaks needed to put a new member at `q` among `container`'s members. */
export function separate(text: string, container: Container, q: number): Placement {
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
  const plan: Placement = { start: q, end: q, prefix: '', suffix: '', extraEdits: [], gap };
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

export function lineBefore(text: string, offset: number): string {
  return text.slice(text.lastIndexOf('\n', offset - 1) + 1, offset);
}

export function lineAfter(text: string, offset: number): string {
  const end = text.indexOf('\n', offset);
  return text.slice(offset, end < 0 ? text.length : end);
}

/** The member of `container` whose text contains `offset` strictly inside it. */
export function memberAround(container: Container, offset: number): Member | undefined {
  return container.members.find((m) => m.start < offset && offset < m.end);
}
