import * as l10n from '@vscode/l10n';

export type KeyProblem = 'empty' | 'whitespace' | 'nonPrintable' | 'tooShort' | 'tooLong';
export type KeyCheck = { valid: true; key: string } | { valid: false; problem: KeyProblem; reason: string };

const MIN_LENGTH = 16;
const MAX_LENGTH = 512;

/**
 * Normalises what a person pasted and checks it looks like an API key. HeyGen does not publish a key format,
 * so this only refuses what cannot be one: too short, spaces inside, non-printable characters. A pasted
 * `X-Api-Key: …` header line or surrounding quotes are accepted and stripped, since that is a common paste.
 */
export function checkKeyShape(raw: string): KeyCheck {
  let key = raw.trim();
  key = key.replace(/^x-api-key\s*:\s*/i, '');
  key = key.replace(/^(["'`])(.*)\1$/s, '$2').trim();
  if (key.length === 0) {
    return { valid: false, problem: 'empty', reason: l10n.t('Enter your HeyGen API key.') };
  }
  if (/\s/.test(key)) {
    return { valid: false, problem: 'whitespace', reason: l10n.t('An API key has no spaces or line breaks.') };
  }
  if (!/^[\x21-\x7e]+$/.test(key)) {
    return { valid: false, problem: 'nonPrintable', reason: l10n.t('An API key has only letters, digits and punctuation.') };
  }
  if (key.length < MIN_LENGTH) {
    return { valid: false, problem: 'tooShort', reason: l10n.t('That is too short for a HeyGen API key ({0} characters).', key.length) };
  }
  if (key.length > MAX_LENGTH) {
    return { valid: false, problem: 'tooLong', reason: l10n.t('That is too long for a HeyGen API key.') };
  }
  return { valid: true, key };
}
