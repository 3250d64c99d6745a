import type { CreateRefundInput } from '../../../app/refunds/plan-refund.js';
import { idPattern } from '../../../app/shared/ids.js';
import { currencyExponent } from '../../../domain/currency.js';
import { amountForUnits, parseMajorAmount } from '../../../domain/refunds/refund-amount-input.js';
import {
  REFUND_METHODS,
  REFUND_REASONS,
  type RefundMethod,
  type RefundReason,
} from '../../../domain/refunds/refund-values.js';
import type { OrderView } from '../../../resources/order.js';
import { type Form, formText } from '../../form-fields.js';

// The console's refund forms (by line units, by amount, or everything left), read into
// the refund API's input. The same fields travel from the order page to the preview and
// on to the confirmation, so what is confirmed is what was previewed.

export type RefundKind = 'lines' | 'amount' | 'full';

export interface RefundForm {
  readonly kind: RefundKind;
  readonly input: CreateRefundInput;
  /** The fields to carry to the next step, as submitted. */
  readonly fields: Readonly<Record<string, string>>;
}

const REASONS = new Set<string>(REFUND_REASONS);
const REFUND_ID = new RegExp(idPattern('re'));
const METHODS = new Set<string>(REFUND_METHODS);

/** The longest note or choice the form takes. */
const MAX_FIELD = 500;
const one = (form: Form, name: string, max = MAX_FIELD) => formText(form, name, max);

/** The form as a refund request, or what is wrong with it (a message for the page). */
export function readRefundForm(form: Form, view: OrderView): RefundForm | { error: string } {
  const kind = one(form, 'kind');
  const reason = one(form, 'reason') ?? '';
  const note = (one(form, 'note') ?? '').trim();
  if (kind !== 'lines' && kind !== 'amount' && kind !== 'full')
    return { error: 'Choose how to refund.' };
  if (reason && !REASONS.has(reason)) return { error: 'Choose a reason from the list.' };
  const method = one(form, 'method') || 'original_payment_method';
  if (!METHODS.has(method)) return { error: 'Choose how the money goes back from the list.' };
  // The failed refund this one makes good (its page's "refund again" and "record offline").
  const replaces = one(form, 'replaces_refund_id', 64) ?? '';
  if (replaces && !REFUND_ID.test(replaces)) return { error: 'No such refund to make good.' };
  const fields: Record<string, string> = {
    kind,
    reason,
    note,
    method,
    ...(replaces ? { replaces_refund_id: replaces } : {}),
  };
  const base: CreateRefundInput = {
    order_id: view.order.id,
    method: method as RefundMethod,
    ...(replaces ? { replaces_refund_id: replaces } : {}),
    ...(reason ? { reason: reason as RefundReason } : {}),
    ...(note ? { metadata: { note } } : {}),
  };
  if (kind === 'full') return { kind, input: base, fields };
  if (kind === 'amount') {
    const text = one(form, 'amount', 40) ?? '';
    const amount = parseMajorAmount(text, currencyExponent(view.order.currency));
    if (amount === null || amount === 0)
      return { error: 'Enter the amount to refund, like 15.00.' };
    return { kind, input: { ...base, amount }, fields: { ...fields, amount: text } };
  }
  const lines: { line_item_id: string; amount_to_refund?: number }[] = [];
  view.lines.forEach((line, i) => {
    const raw = one(form, `units_${line.id}`, 6) ?? '';
    if (raw.trim() === '' || raw.trim() === '0') return;
    fields[`units_${line.id}`] = raw;
    const units = /^[0-9]{1,6}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
    const priced = view.pricing.lines[i];
    if (!priced || !Number.isInteger(units) || units > line.quantity) {
      lines.push({ line_item_id: line.id, amount_to_refund: -1 });
      return;
    }
    lines.push(
      units === line.quantity
        ? { line_item_id: line.id }
        : {
            line_item_id: line.id,
            amount_to_refund: amountForUnits(priced.total - priced.tax, line.quantity, units),
          },
    );
  });
  if (lines.some((l) => l.amount_to_refund === -1)) {
    return { error: 'Each line takes a whole number of units, up to its quantity.' };
  }
  if (lines.length === 0) return { error: 'Enter how many units of which line to refund.' };
  return { kind, input: { ...base, line_items: lines }, fields };
}
