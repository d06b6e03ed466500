import * as l10n from '@vscode/l10n';
import type { AssetKind } from '../base/mediaKinds';
import { formatSize } from '../base/sizes';
import type { AssetFacts } from './findAssets';

/**
 * Tool results are read by a model: one short line per item, then the same facts as JSON, so a model can quote the
 * lines and take ids and URLs from the JSON without parsing prose.
 */
export function resultText(lines: readonly string[], facts: unknown): string {
  return `${lines.join('\n')}\n\n\`\`\`json\n${JSON.stringify(facts, null, 2)}\n\`\`\``;
}

/** One input of the upload tool, after the upload. */
export type UploadItemResult =
  | { input: string; name: string; kind: AssetKind; assetId: string; url: string; reused: boolean; imageKey?: string }
  | { input: string; name: string; error: string };

function kindLabel(kind: AssetKind): string {
  switch (kind) {
    case 'image':
      return l10n.t('image');
    case 'video':
      return l10n.t('video');
    case 'audio':
      return l10n.t('audio');
  }
}

export function uploadResultText(items: readonly UploadItemResult[], endpointHost: string): string {
  const uploaded = items.filter((i) => !('error' in i)).length;
  const lines = items.map((item) => {
    if ('error' in item) {
      return l10n.t('{0}: not uploaded. {1}', item.name, item.error);
    }
    return item.reused
      ? l10n.t('{0}: {1} asset {2}, {3} (reused: identical content was uploaded before)', item.name, kindLabel(item.kind), item.assetId, item.url)
      : l10n.t('{0}: {1} asset {2}, {3} (uploaded)', item.name, kindLabel(item.kind), item.assetId, item.url);
  });
  return resultText(lines, { endpoint: endpointHost, uploaded, failed: items.length - uploaded, items });
}

export function refusalText(reason: string): string {
  return resultText([reason], { error: reason });
}

export function findResultText(found: readonly AssetFacts[], query: { query?: string; kind?: AssetKind }): string {
  if (found.length === 0) {
    const line = query.query
      ? l10n.t('No uploaded asset matches "{0}".', query.query)
      : query.kind
        ? l10n.t('No {0} asset has been uploaded yet.', kindLabel(query.kind))
        : l10n.t('No asset has been uploaded yet.');
    return resultText([line], { count: 0, assets: [] });
  }
  const lines = found.map((f) => {
    const line =
      f.size !== undefined
        ? l10n.t('{0}: {1} asset {2}, {3} ({4})', f.name, kindLabel(f.kind), f.assetId, f.url, formatSize(f.size))
        : l10n.t('{0}: {1} asset {2}, {3}', f.name, kindLabel(f.kind), f.assetId, f.url);
    return f.gone ? l10n.t('{0}; HeyGen no longer has it, so do not use it', line) : line;
  });
  return resultText(lines, { count: found.length, assets: found });
}

export interface FragmentFacts {
  assetId: string;
  name: string;
  kind: AssetKind;
  role: string;
  language: string;
  payloadVersion: string;
  /** What the fragment is: a whole `video_inputs` item, or a property of the v3 body. */
  shape: 'item' | 'property';
  fragment: string;
}

export function fragmentResultText(facts: FragmentFacts): string {
  const line =
    facts.shape === 'item'
      ? l10n.t('{0} as {1}: a video_inputs item in {2} ({3} payload), exactly as Insert writes it.', facts.name, facts.role, facts.language, facts.payloadVersion)
      : l10n.t('{0} as {1}: a property of the body in {2} ({3} payload), exactly as Insert writes it.', facts.name, facts.role, facts.language, facts.payloadVersion);
  return resultText([line], facts);
}
