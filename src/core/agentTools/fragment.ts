import { buildSnippet } from '../payload/buildSnippet';
import { planSnippetEdits, type SnippetEditRequest } from '../payload/insertionPlan';

/**
 * The text Insert leaves in an empty file of the request's language once its placeholders are left as they are:
 * a whole `video_inputs` item. Planned by the same code as Insert, from the request Insert builds, as plain text
 * indented as the file would be.
 */
export function fragmentAsInsertedIntoEmptyFile(request: SnippetEditRequest): string {
  const [plan] = planSnippetEdits('', [{ start: 0, end: 0 }], { ...request, plainText: true, editorIndents: false });
  return plan ? plan.snippet : '';
}

/**
 * The property Insert adds to a v3 body (`POST /v3/videos`) that lacks it: `background`, `image`, or `audio_url` /
 * `audio_asset_id`, built by the same builder and request as Insert, without the separators around it.
 */
export function fragmentAsInsertedIntoV3Body(request: SnippetEditRequest): string {
  return buildSnippet({ ...request, shape: 'property', version: 'v3', plainText: true, baseIndent: '' });
}
