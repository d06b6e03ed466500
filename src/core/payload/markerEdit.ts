/** `[start, end)` of a text becomes `text`. */
export interface TextReplacement {
  start: number;
  end: number;
  text: string;
}

export interface MarkerEdit extends TextReplacement {
  /** The edit carrying `main`'s text (maybe with an insertion merged in front). */
  main?: true;
}

/**
 * A drop first inserts a short placeholder ("Uploading sample.jpg to HeyGen…") and replaces it once the upload
 * has answered. The fragment is planned on the text without the placeholder, as if it had never been there;
 * this turns that plan (`main` and `inserts`, offsets into the text without the placeholder) into edits of the
 * document that still holds it at `[markerStart, markerStart + markerLength)`.
 *
 * The placeholder always goes. An edit that reaches it absorbs it, and an insertion right at it becomes part of
 * the edit that removes it, so no two edits overlap or touch (VS Code refuses overlapping edits, and the order
 * of two edits at one offset is not defined). `escapeInsert` turns an insertion merged into `main` into
 * `main`'s syntax (snippet text needs its `$`, `}` and `\\` escaped).
 */
export function editsAroundMarker(
  markerStart: number,
  markerLength: number,
  main: TextReplacement,
  inserts: ReadonlyArray<{ offset: number; text: string }>,
  escapeInsert: (text: string) => string = (text) => text,
): MarkerEdit[] {
  const s = markerStart;
  const after = (offset: number): number => (offset < s ? offset : offset + markerLength);
  const edits: MarkerEdit[] = [];
  const absorbs = main.start <= s && s <= main.end;
  const mainEdit: MarkerEdit = absorbs
    ? { start: main.start, end: main.end + markerLength, text: main.text, main: true }
    : { start: after(main.start), end: after(main.end), text: main.text, main: true };
  const markerEdit: TextReplacement | undefined = absorbs ? undefined : { start: s, end: s + markerLength, text: '' };
  for (const insert of inserts) {
    if (insert.offset !== s) {
      edits.push({ start: after(insert.offset), end: after(insert.offset), text: insert.text });
    } else if (markerEdit) {
      markerEdit.text += insert.text;
    } else if (main.start === s) {
      mainEdit.text = escapeInsert(insert.text) + mainEdit.text;
    } else if (main.end === s) {
      mainEdit.text += escapeInsert(insert.text);
    }
    // Otherwise the insertion falls inside the text `main` replaces: nothing of it would remain.
  }
  edits.push(mainEdit);
  if (markerEdit) {
    edits.push(markerEdit);
  }
  return edits.sort((a, b) => a.start - b.start);
}
