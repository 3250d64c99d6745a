import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  INVOICE_TRANSITIONS,
  invoiceActions,
  isFinalInvoiceStatus,
  moveInvoice,
} from './invoice-state.js';
import { INVOICE_ACTIONS, INVOICE_STATUSES, type InvoiceAction } from './invoice-values.js';

const status = fc.constantFrom(...INVOICE_STATUSES);
const action = fc.constantFrom(...INVOICE_ACTIONS);

describe('the invoice transition table', () => {
  it('has a row for every status, and every move lands on a status', () => {
    expect(Object.keys(INVOICE_TRANSITIONS).sort()).toEqual([...INVOICE_STATUSES].sort());
    for (const moves of Object.values(INVOICE_TRANSITIONS)) {
      for (const [name, to] of Object.entries(moves)) {
        expect(INVOICE_ACTIONS).toContain(name);
        expect(INVOICE_STATUSES).toContain(to);
      }
    }
  });

  it('ends in paid or void; an uncollectible invoice can still be paid or voided', () => {
    expect(INVOICE_STATUSES.filter(isFinalInvoiceStatus)).toEqual(['paid', 'void']);
    expect(invoiceActions('uncollectible')).toEqual(['pay', 'void', 'send']);
    expect(invoiceActions('open')).toEqual(['pay', 'void', 'mark_uncollectible', 'send', 'remind']);
    expect(invoiceActions('draft')).toEqual(['update', 'finalize']);
  });

  it('moves exactly as the table lists, and refuses with the allowed actions (property)', () => {
    fc.assert(
      fc.property(status, action, fc.boolean(), (from, act, approval) => {
        const listed = invoiceActions(from).includes(act as InvoiceAction);
        const moved = moveInvoice(from, act, { approvalRequired: approval });
        expect(moved.ok).toBe(listed);
        if (!moved.ok) {
          expect(moved.error).toMatchObject({
            code: 'invoice_state_invalid',
            loc: ['status'],
            details: { status: from, available_actions: invoiceActions(from) },
          });
        }
      }),
    );
  });

  it('sends a finalize that needs approval to awaiting_approval; approve opens, reject drafts', () => {
    expect(moveInvoice('draft', 'finalize')).toEqual({ ok: true, value: 'open' });
    expect(moveInvoice('draft', 'finalize', { approvalRequired: true })).toEqual({
      ok: true,
      value: 'awaiting_approval',
    });
    expect(moveInvoice('awaiting_approval', 'approve')).toEqual({ ok: true, value: 'open' });
    expect(moveInvoice('awaiting_approval', 'reject')).toEqual({ ok: true, value: 'draft' });
    expect(moveInvoice('paid', 'void').ok).toBe(false);
    // Mailing the buyer leaves the status as it is; a draft has nothing to mail.
    expect(moveInvoice('open', 'send')).toEqual({ ok: true, value: 'open' });
    expect(moveInvoice('uncollectible', 'send')).toEqual({ ok: true, value: 'uncollectible' });
    expect(moveInvoice('uncollectible', 'remind').ok).toBe(false);
    expect(moveInvoice('draft', 'send').ok).toBe(false);
  });
});
