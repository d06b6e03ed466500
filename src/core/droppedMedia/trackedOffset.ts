/** One change of a document, as the editor reports it: offsets into the text before the change. */
export interface TextChange {
  rangeOffset: number;
  rangeLength: number;
  text: string;
}

/**
 * Where an offset is after `changes` (of one edit, against the same earlier text). Text inserted at the offset
 * lands before it (like a cursor); a change that replaces text at or around it leaves it at the end of the new
 * text (a drop's placeholder replaced by its fragment: a retried part goes after it; removed: it stays); a change
 * after it leaves it where it is.
 */
export function shiftOffset(offset: number, changes: readonly TextChange[]): number {
  let at = offset;
  // From the end backwards: each change leaves the offsets before it valid for the next.
  for (const change of [...changes].sort((a, b) => b.rangeOffset - a.rangeOffset)) {
    const end = change.rangeOffset + change.rangeLength;
    if (end <= at) {
      at += change.text.length - change.rangeLength;
    } else if (change.rangeOffset <= at) {
      at = change.rangeOffset + change.text.length;
    }
  }
  return at;
}
