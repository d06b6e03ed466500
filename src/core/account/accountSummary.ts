import * as l10n from '@vscode/l10n';
import type { V3User } from '../heygen/v3Client';

/** HeyGen's plan ids as a person reads them ("business_plus" → "Business Plus"). */
export function planLabel(plan: string): string {
  return plan
    .split(/[_\s-]+/)
    .filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join(' ');
}

function numberField(source: Record<string, unknown> | null | undefined, names: readonly string[]): number | undefined {
  for (const name of names) {
    const value = source?.[name];
    const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
    if (Number.isFinite(n)) {
      return n;
    }
  }
  return undefined;
}

/** The plan, or how the account is billed when there is no plan: "Pro", "Wallet", "Usage Based". */
export function accountPlan(user: V3User): string | undefined {
  const plan = user.subscription?.plan;
  if (typeof plan === 'string' && plan.trim()) {
    return planLabel(plan.trim());
  }
  return typeof user.billing_type === 'string' && user.billing_type ? planLabel(user.billing_type) : undefined;
}

/** The Assets view's description: "emma · Pro". */
export function accountDescription(user: V3User): string {
  const plan = accountPlan(user);
  return plan ? `${user.username} \u00b7 ${plan}` : user.username;
}

/**
 * What is left to spend, in HeyGen's own terms: credits on a subscription, the balance of a wallet. The schema
 * names the wallet's field (`remaining_balance`); the credit counts' names are not pinned down, so the usual
 * spellings are read.
 */
export function accountRemaining(user: V3User): string | undefined {
  const balance = numberField(user.wallet, ['remaining_balance', 'balance']);
  if (balance !== undefined) {
    const currency = typeof user.wallet?.currency === 'string' ? ` ${user.wallet.currency}` : '';
    return l10n.t('balance {0}{1}', balance, currency);
  }
  const subscription = user.subscription;
  const left = numberField(subscription, ['credits_remaining', 'remaining_credits', 'remaining_quota', 'credits']);
  if (left === undefined) {
    return undefined;
  }
  const total = numberField(subscription, ['credits_total', 'total_credits', 'total_quota']);
  return total !== undefined ? l10n.t('{0} of {1} credits left', left, total) : l10n.t('{0} credits left', left);
}

/** One sentence for Show Account: "HeyGen account emma (emma@example.com), plan Pro, 420 of 600 credits left." */
export function accountSentence(user: V3User): string {
  const who = typeof user.email === 'string' && user.email ? l10n.t('{0} ({1})', user.username, user.email) : user.username;
  const parts = [who];
  const plan = accountPlan(user);
  if (plan) {
    parts.push(l10n.t('plan {0}', plan));
  }
  const remaining = accountRemaining(user);
  if (remaining) {
    parts.push(remaining);
  }
  return l10n.t('HeyGen account {0}.', parts.join(', '));
}
