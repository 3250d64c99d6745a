// The return's closed lists of values, each declared once: the wire schemas
// (`literalUnion`), the row types, the console's options and the domain's rules derive
// from these.

/** A return's status; `return-state.ts` says which moves are allowed. */
export const RETURN_STATUSES = ['requested', 'received', 'completed', 'canceled'] as const;
export type ReturnStatus = (typeof RETURN_STATUSES)[number];

/** What can be done to a return; each answer lists the ones it allows. */
export const RETURN_ACTIONS = ['update', 'receive', 'complete', 'cancel'] as const;
export type ReturnAction = (typeof RETURN_ACTIONS)[number];

/** Why the buyer sends the goods back. */
export const RETURN_REASONS = [
  'damaged',
  'defective',
  'wrong_item',
  'not_as_described',
  'size_or_fit',
  'no_longer_needed',
  'other',
] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];

/** The step at which a return settles (its refund, its exchange). */
export const RETURN_REFUND_STEPS = ['received', 'completed'] as const;
export type ReturnRefundStep = (typeof RETURN_REFUND_STEPS)[number];
