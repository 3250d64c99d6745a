/**
 * What each console role may do (PRODUCT.md §5, issue 8): an owner everything; support
 * reads and refunds up to its own limit; a viewer only reads. Pure: the console's routes
 * ask before acting, and a refusal is a 403.
 */
export const CONSOLE_ROLES = ['owner', 'support', 'viewer'] as const;
export type ConsoleRole = (typeof CONSOLE_ROLES)[number];

export type ConsoleAction =
  | { readonly kind: 'read' }
  | { readonly kind: 'refund'; readonly amount: number }
  | { readonly kind: 'manage' };

export interface ConsoleActor {
  readonly role: ConsoleRole;
  /** Support's largest refund in minor units; null: none. */
  readonly refundLimit: number | null;
}

export type Permission =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: string };

export function permits(actor: ConsoleActor, action: ConsoleAction): Permission {
  if (action.kind === 'read') return { allowed: true };
  if (actor.role === 'owner') return { allowed: true };
  if (actor.role === 'viewer')
    return { allowed: false, reason: 'Viewers can look but not change anything.' };
  if (action.kind === 'manage') return { allowed: false, reason: 'Only an owner can do this.' };
  const limit = actor.refundLimit ?? 0;
  return action.amount <= limit
    ? { allowed: true }
    : { allowed: false, reason: `Your refund limit is ${limit}; ask an owner for larger refunds.` };
}
