import { fail, ok, type Result } from '../errors.js';
import type { InvoiceAction, InvoiceStatus } from './invoice-values.js';

/**
 * The invoice lifecycle as one table: for each status, the actions it allows and the
 * status each leads to. `finalize` of a draft that needs approval goes to
 * `awaiting_approval` instead (`finalizeTarget`); approving finalizes it, rejecting returns
 * it to `draft`. An uncollectible invoice can still be paid or voided; paid and void are
 * final (a voided invoice keeps its number). Mailing the invoice to the buyer (`send`, again
 * and again) and a reminder now (`remind`, while open) leave the status as it is.
 *
 *   draft ──finalize──▶ open ──pay──▶ paid
 *     │  ╲                 │ ╲──void──▶ void
 *     │   ╲(approval)      ╰──mark_uncollectible──▶ uncollectible ──pay | void──▶ paid | void
 *     ╰──▶ awaiting_approval ──approve──▶ open
 *                          ╰──reject──▶ draft
 */
export const INVOICE_TRANSITIONS = {
  draft: { update: 'draft', finalize: 'open' },
  awaiting_approval: { approve: 'open', reject: 'draft' },
  open: {
    pay: 'paid',
    void: 'void',
    mark_uncollectible: 'uncollectible',
    send: 'open',
    remind: 'open',
  },
  uncollectible: { pay: 'paid', void: 'void', send: 'uncollectible' },
  paid: {},
  void: {},
} as const satisfies Record<InvoiceStatus, Partial<Record<InvoiceAction, InvoiceStatus>>>;

type Moves = Partial<Record<InvoiceAction, InvoiceStatus>>;

/** The actions an invoice in `status` allows, in the table's order, for `available_actions`. */
export function invoiceActions(status: InvoiceStatus): InvoiceAction[] {
  return Object.keys(INVOICE_TRANSITIONS[status]) as InvoiceAction[];
}

/** A status nothing moves out of. */
export function isFinalInvoiceStatus(status: InvoiceStatus): boolean {
  return invoiceActions(status).length === 0;
}

/**
 * Where `action` takes an invoice in `status`, if the table allows it; otherwise the
 * `invoice_state_invalid` failure (a 409) naming the actions that are allowed.
 * `approvalRequired` sends a draft's finalize to `awaiting_approval`.
 */
export function moveInvoice(
  status: InvoiceStatus,
  action: InvoiceAction,
  { approvalRequired = false }: { readonly approvalRequired?: boolean } = {},
): Result<InvoiceStatus> {
  const to = (INVOICE_TRANSITIONS[status] as Moves)[action];
  if (to === undefined) {
    const allowed = invoiceActions(status);
    return fail({
      code: 'invoice_state_invalid',
      message: `Cannot ${action.replace('_', ' ')} an invoice that is ${status}${
        allowed.length > 0 ? `; allowed: ${allowed.join(', ')}` : ''
      }`,
      loc: ['status'],
      details: { status, available_actions: allowed },
    });
  }
  return ok(action === 'finalize' && approvalRequired ? 'awaiting_approval' : to);
}
