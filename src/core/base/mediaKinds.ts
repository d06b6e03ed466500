import * as l10n from '@vscode/l10n';

/**
 * The one list of media the extension uploads. Extensions, MIME types, kinds, dialog filters, folder expansion,
 * messages and the `resourceExtname` regex of package.json's menus all come from SUPPORTED_TYPES
 * (test/unit/base/mediaKinds.test.ts fails when the manifest and this list disagree).
 */

/** HeyGen's `file_type` values. */
export type AssetKind = 'image' | 'video' | 'audio';

/** The order of the kinds in the view, dialogs and pickers. */
export const ASSET_KINDS: readonly AssetKind[] = ['image', 'video', 'audio'];

/** One of the six content types HeyGen documents for `POST /v1/asset`. */
export interface SupportedType {
  readonly mime: string;
  readonly kind: AssetKind;
  /** Short human name: "JPEG", "PNG", … */
  readonly label: string;
  readonly extensions: readonly string[];
}

export const SUPPORTED_TYPES: readonly SupportedType[] = [
  { mime: 'image/jpeg', kind: 'image', label: 'JPEG', extensions: ['jpg', 'jpeg'] },
  { mime: 'image/png', kind: 'image', label: 'PNG', extensions: ['png'] },
  { mime: 'video/mp4', kind: 'video', label: 'MP4', extensions: ['mp4'] },
  { mime: 'video/webm', kind: 'video', label: 'WebM', extensions: ['webm'] },
  { mime: 'audio/mpeg', kind: 'audio', label: 'MP3', extensions: ['mp3'] },
  { mime: 'audio/wav', kind: 'audio', label: 'WAV', extensions: ['wav'] },
];

export const SUPPORTED_EXTENSIONS: readonly string[] = SUPPORTED_TYPES.flatMap((t) => t.extensions);

const EXTENSION_SET = new Set(SUPPORTED_EXTENSIONS);

export function typeForMime(mime: string): SupportedType | undefined {
  return SUPPORTED_TYPES.find((t) => t.mime === mime);
}

/** The supported types of one kind, in list order. */
export function typesOfKind(kind: AssetKind): SupportedType[] {
  return SUPPORTED_TYPES.filter((t) => t.kind === kind);
}

/** Whether a file name ends in a supported extension (folder expansion, drop and paste). */
export function hasSupportedExtension(name: string): boolean {
  const dot = name.lastIndexOf('.');
  return dot > 0 && EXTENSION_SET.has(name.slice(dot + 1).toLowerCase());
}

/**
 * The `resourceExtname =~ /…/i` pattern of package.json's menus, one alternative per type; two spellings of one type
 * that differ by a letter are written as a person would (`jpe?g`).
 */
export function resourceExtnamePattern(): string {
  return `^\\.(${SUPPORTED_TYPES.map((t) => typePattern(t.extensions)).join('|')})$`;
}

function typePattern(extensions: readonly string[]): string {
  if (extensions.length === 2) {
    const [short, long] = [...extensions].sort((a, b) => a.length - b.length);
    for (let i = 0; i < long.length; i++) {
      if (long.slice(0, i) + long.slice(i + 1) === short) {
        return `${long.slice(0, i + 1)}?${long.slice(i + 1)}`;
      }
    }
  }
  return extensions.join('|');
}

// ---- labels, declared once; functions, so they translate after l10n.config has run -----------------------------

/** "JPEG, PNG, MP4, WebM, MP3 or WAV". */
export function supportedTypeList(types: readonly SupportedType[] = SUPPORTED_TYPES): string {
  if (types.length === 1) {
    return types[0].label;
  }
  return l10n.t('{0} or {1}', types.slice(0, -1).map((t) => t.label).join(', '), types.at(-1)!.label);
}

/**
 * Per kind: the group in the Assets view and the filter picker ("Images"), one asset's kind in a tooltip ("Image"),
 * and the lower-case name in the filter description ("Filter: foo · images").
 */
const KIND_LABELS: Readonly<Record<AssetKind, { group: () => string; one: () => string; filter: () => string }>> = {
  image: { group: () => l10n.t('Images'), one: () => l10n.t('Image'), filter: () => l10n.t('images') },
  video: { group: () => l10n.t('Videos'), one: () => l10n.t('Video'), filter: () => l10n.t('videos') },
  audio: { group: () => l10n.t('Audio'), one: () => l10n.t('Audio'), filter: () => l10n.t('audio') },
};

export function kindGroupLabel(kind: AssetKind): string {
  return KIND_LABELS[kind].group();
}

export function kindLabel(kind: AssetKind): string {
  return KIND_LABELS[kind].one();
}

export function kindFilterName(kind: AssetKind): string {
  return KIND_LABELS[kind].filter();
}

/** The open dialog's filters: every supported type first, then one entry per kind. */
export function dialogFilters(): Record<string, string[]> {
  const filters: Record<string, string[]> = {
    [l10n.t('Media ({0})', SUPPORTED_TYPES.map((t) => t.label).join(', '))]: [...SUPPORTED_EXTENSIONS],
  };
  for (const kind of ASSET_KINDS) {
    filters[kindGroupLabel(kind)] = typesOfKind(kind).flatMap((t) => t.extensions);
  }
  return filters;
}
