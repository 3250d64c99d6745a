import type { RecoveryLinkRow } from '../adapters/db/schema-recovery.js';
import { recoveryLinkActions } from '../domain/recovery-links/recovery-link-state.js';
import { modeAndTimes } from './object-times.js';
import { money } from './order.js';

/** What a link shows of its order: its currency and its balance as it is now. */
export interface RecoveryLinkOrder {
  readonly id: string;
  readonly currency: string;
  readonly balance: number;
}

/** A recovery link as the API shows it: its row and its order's balance, read with it. */
export interface RecoveryLinkView {
  readonly link: RecoveryLinkRow;
  readonly order: RecoveryLinkOrder;
}

const iso = (date: Date | null) => (date === null ? null : date.toISOString());

/** The hosted page of a link's token, on Flint's public base URL. */
export function recoveryLinkUrl(baseUrl: string, token: string): string {
  return `${baseUrl}/recover/${token}`;
}

/**
 * A recovery link as the API (and every event about it) shows it. `amount` is its order's
 * balance now, never a copy: what the page collects when the buyer pays. `baseUrl` is where
 * Flint's pages are; an event written without a known public address has a null `url`.
 */
export function recoveryLinkResource(
  { link, order }: RecoveryLinkView,
  baseUrl: string | undefined,
) {
  return {
    recovery_link_id: link.id,
    object: 'recovery_link' as const,
    order_id: link.order_id,
    status: link.status,
    url: baseUrl === undefined ? null : recoveryLinkUrl(baseUrl, link.token),
    amount: money(Math.max(order.balance, 0), order.currency),
    source: link.source,
    source_id: link.source_id,
    expires_at: iso(link.expires_at),
    completed_at: iso(link.completed_at),
    expired_at: iso(link.expired_at),
    deactivated_at: iso(link.deactivated_at),
    available_actions: recoveryLinkActions(link.status),
    metadata: link.metadata,
    ...modeAndTimes(link),
  };
}
export type RecoveryLinkResource = ReturnType<typeof recoveryLinkResource>;
