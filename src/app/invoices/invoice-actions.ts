import { fail, ok, type Result } from '../../domain/errors.js';
import { updatedMetadata } from '../../domain/metadata.js';
import type { InvoiceView } from '../../resources/invoice.js';
import type { ChangeContext, Update } from '../shared/command-context.js';
import { dueTerms, type InvoiceTermsInput } from './create-invoice.js';
import { type InvoiceStep, moveInvoiceRow } from './invoice-moves.js';
import { finalizeAndFollowUp, type SendInvoiceInput } from './send-invoice.js';

/** What finalizing acts on: the invoice, and where the links of its mail point (`auto_send`). */
export type FinalizeInput = SendInvoiceInput;

/** A draft's changes: its terms and metadata (merged; "" removes a key). */
export type UpdateInvoiceInput = InvoiceTermsInput;

const updateStep =
  (input: UpdateInvoiceInput): InvoiceStep =>
  async (_tx, { current, now }) => {
    const { invoice } = current;
    const terms = dueTerms(input, invoice, now);
    if (!terms.ok) return terms;
    const metadata = updatedMetadata(invoice.metadata, input.metadata, 'invoice');
    if (!metadata.ok) return metadata;
    const keep = <K extends keyof typeof input & keyof typeof invoice>(key: K) =>
      input[key] === undefined ? invoice[key] : input[key];
    return ok([
      {
        changes: {
          memo: keep('memo') ?? null,
          footer: keep('footer') ?? null,
          allow_partial_payments: input.allow_partial_payments ?? invoice.allow_partial_payments,
          customer_details: keep('customer_details') ?? null,
          seller_details: keep('seller_details') ?? null,
          ...terms.value,
          metadata: metadata.value,
        },
        event: 'invoice.updated',
      },
    ]);
  };

/** Changes a draft's terms (only a draft: a finalized invoice is what the buyer was sent). */
export function updateInvoice(
  ctx: ChangeContext,
  { id, changes }: Update<UpdateInvoiceInput>,
): Promise<Result<InvoiceView>> {
  return moveInvoiceRow(ctx, { id, action: 'update', step: updateStep(changes) });
}

/**
 * Finalizes a draft: it gets its number and due date and freezes its order's lines (and,
 * per the settings, is mailed to the buyer); a draft that needs approval waits for it
 * instead (`awaiting_approval`).
 */
export function finalizeInvoice(
  ctx: ChangeContext,
  { id, baseUrl }: FinalizeInput,
): Promise<Result<InvoiceView>> {
  return moveInvoiceRow(ctx, { id, action: 'finalize', step: finalizeAndFollowUp(baseUrl) });
}

/** Approves an invoice awaiting approval: it is finalized. */
export function approveInvoice(
  ctx: ChangeContext,
  { id, baseUrl }: FinalizeInput,
): Promise<Result<InvoiceView>> {
  return moveInvoiceRow(ctx, { id, action: 'approve', step: finalizeAndFollowUp(baseUrl) });
}

/** Rejects an invoice awaiting approval: it is a draft again, with the reason. */
export function rejectInvoice(
  ctx: ChangeContext,
  { id, reason }: { readonly id: string; readonly reason: string },
): Promise<Result<InvoiceView>> {
  if (reason.trim() === '') {
    return Promise.resolve(
      fail({
        code: 'parameter_invalid',
        message: 'Give the reason for rejecting',
        loc: ['reason'],
      }),
    );
  }
  return moveInvoiceRow(ctx, {
    id,
    action: 'reject',
    step: async (_tx, { to, now }) =>
      ok([
        {
          changes: { status: to, rejection_reason: reason, rejected_at: now },
          event: 'invoice.updated',
        },
      ]),
  });
}

/** Voids a finalized invoice: it keeps its number; the order may be invoiced again. */
export function voidInvoice(
  ctx: ChangeContext,
  { id }: { readonly id: string },
): Promise<Result<InvoiceView>> {
  return moveInvoiceRow(ctx, {
    id,
    action: 'void',
    step: async (_tx, { to, now }) =>
      ok([{ changes: { status: to, voided_at: now }, event: 'invoice.voided' }]),
  });
}

/** Marks a finalized invoice uncollectible: it can still be paid or voided. */
export function markInvoiceUncollectible(
  ctx: ChangeContext,
  { id }: { readonly id: string },
): Promise<Result<InvoiceView>> {
  return moveInvoiceRow(ctx, {
    id,
    action: 'mark_uncollectible',
    step: async (_tx, { to, now }) =>
      ok([
        {
          changes: { status: to, marked_uncollectible_at: now },
          event: 'invoice.marked_uncollectible',
        },
      ]),
  });
}
