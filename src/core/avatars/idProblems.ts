/**
 * The Problems of a payload's avatar and voice ids: an id the account does not have, and an `engine.type` the look
 * does not support. Warnings only, never errors: the listing may be a day old, and HeyGen has the last word. An
 * unknown id is reported only after a complete listing: a listing still arriving (or never made) proves nothing.
 */
import * as l10n from '@vscode/l10n';
import type { CatalogView } from './avatarCatalog';
import type { IdField } from './idFields';

export type IdProblemCode = 'unknownAvatar' | 'unknownVoice' | 'unsupportedEngine';

export interface IdProblem {
  code: IdProblemCode;
  start: number;
  end: number;
  message: string;
}

export function idProblems(fields: readonly IdField[], catalog: Pick<CatalogView, 'look' | 'voice' | 'complete'>): IdProblem[] {
  const problems: IdProblem[] = [];
  for (const field of fields) {
    const id = field.value.trim();
    if (id === '') {
      continue;
    }
    if (field.kind === 'avatar') {
      const look = catalog.look(id);
      if (!look) {
        if (catalog.complete) {
          problems.push({
            code: 'unknownAvatar',
            start: field.start,
            end: field.end,
            message: l10n.t('Your HeyGen account has no avatar look with the id "{0}" ({1}).', id, field.path),
          });
        }
        continue;
      }
      const engine = field.engine;
      if (engine && engine.value !== '' && look.engines.length > 0 && !look.engines.includes(engine.value)) {
        problems.push({
          code: 'unsupportedEngine',
          start: engine.start,
          end: engine.end,
          message: l10n.t('The avatar "{0}" does not support the engine {1}; it supports {2}.', look.name, engine.value, look.engines.join(', ')),
        });
      }
    } else if (field.kind === 'voice' && !catalog.voice(id) && catalog.complete) {
      problems.push({
        code: 'unknownVoice',
        start: field.start,
        end: field.end,
        message: l10n.t('Your HeyGen account has no voice with the id "{0}" ({1}).', id, field.path),
      });
    }
  }
  return problems;
}
