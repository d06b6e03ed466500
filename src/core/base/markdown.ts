import { pathToFileURL } from 'node:url';

/*
 * The one way hovers and tooltips put text into Markdown. Whatever a server, a file name or a person supplies is
 * rendered as text: it cannot form links, command links, images, HTML, theme icons or a second paragraph.
 */

/** Text as literal Markdown text on one line: every character CommonMark could read as syntax is escaped. */
export function escapeMarkdown(text: string): string {
  return flatten(text).replace(/[\\`*_{}[\]()#+\-.!|<>~&"'=:^$%@]/g, '\\$&');
}

/** An inline code span that survives backticks inside `text`. */
export function codeSpan(text: string): string {
  const flat = flatten(text);
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  // CommonMark strips one space from each end when both ends have one (unless it is all spaces): a padding space
  // wherever an end holds a backtick or a space keeps the text as it is.
  const pad = flat === '' || (/^[` ]|[` ]$/.test(flat) && flat.trim() !== '') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A link destination that cannot end early or smuggle syntax: only http(s), awkward characters encoded. */
export function markdownUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return undefined;
  }
  return encodeTarget(parsed.href);
}

/** `text` as a link to `url` when that is an http(s) URL; otherwise the text alone. Either way the text is literal. */
export function markdownLink(text: string, url: string): string {
  const target = markdownUrl(url);
  return target ? `[${escapeMarkdown(text)}](<${target}>)` : escapeMarkdown(text);
}

/**
 * Alt text as VS Code's renderer shows it: raw, so a backslash escape would be shown (`sample\.png`). Instead the
 * characters that could end the alt text or form syntax in it are left out.
 */
export function altText(text: string): string {
  return flatten(text)
    .replace(/[[\]\\`<>"$]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export interface ThumbnailSource {
  /** Only images have a thumbnail. */
  kind: string;
  /** The asset's URL at HeyGen. */
  url?: string;
  /** The local file it was uploaded from, and whether that file is there now. */
  sourcePath?: string;
  sourceExists?: boolean;
}

/**
 * An image a hover can actually load, as a link destination: the local source file when it is there, else an https
 * URL. Plain http is left out: the editor's content security policy blocks it, which shows a broken image.
 */
export function thumbnailTarget(source: ThumbnailSource): string | undefined {
  if (source.kind !== 'image') {
    return undefined;
  }
  if (source.sourcePath !== undefined && source.sourceExists === true) {
    try {
      return encodeTarget(pathToFileURL(source.sourcePath).href);
    } catch {
      // Not an absolute path this platform can name: fall back to the URL.
    }
  }
  const target = source.url !== undefined ? markdownUrl(source.url) : undefined;
  return target?.startsWith('https:') ? target : undefined;
}

/** The thumbnail's Markdown (`![alt](<target>)`, VS Code's `|width=` when given), or '' when none can load. */
export function markdownThumbnail(alt: string, source: ThumbnailSource, width?: number): string {
  const target = thumbnailTarget(source);
  if (!target) {
    return '';
  }
  return `![${altText(alt)}](<${target}${width !== undefined ? `|width=${Math.round(width)}` : ''}>)`;
}

/** Line breaks (any of CommonMark's, and the Unicode separators) become spaces: one line, one paragraph. */
function flatten(text: string): string {
  return text.replace(/[\r\n\u2028\u2029\u0085]+/g, ' ');
}

/** Characters that would end a destination or read as syntax in it, percent-encoded. */
function encodeTarget(href: string): string {
  return href.replace(/[\s<>()\\|`"'[\]]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
