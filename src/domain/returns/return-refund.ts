import type { RefundableOrder } from '../refunds/itemized-refunds.js';
import type { LineCredit } from './return-credit.js';

/** What a return refunds through the refund engine: an itemized request. */
export interface ReturnRefundRequest {
  readonly line_items: { line_item_id: string; amount_to_refund: number }[];
  readonly amount_tax: number;
  readonly total: number;
}

/**
 * The itemized refund of (a part of) a return's credit, capped by what each line and the
 * tax have left to refund on the order, and by what its charges have left. Null when
 * nothing is left.
 */
export function returnRefundRequest(
  credits: readonly LineCredit[],
  order: RefundableOrder,
  { chargesLeft }: { readonly chargesLeft: number },
): ReturnRefundRequest | null {
  const lineLeft = new Map(
    order.lines.map((l) => [l.id, Math.max(0, l.amount - l.refundedAmount)]),
  );
  let taxLeft = Math.max(0, order.tax.total - order.tax.refunded);
  let budget = Math.max(0, Math.min(chargesLeft, sum(credits)));
  // The lines' amounts first, then their tax: a budget short of the whole credit (charges
  // refunded meanwhile) is spent on what names a line, never on tax alone (a request with
  // tax and no line is no refund).
  const line_items: { line_item_id: string; amount_to_refund: number }[] = [];
  for (const credit of credits) {
    const amount = Math.min(credit.amount, lineLeft.get(credit.lineId) ?? 0, budget);
    budget -= amount;
    if (amount > 0) line_items.push({ line_item_id: credit.lineId, amount_to_refund: amount });
  }
  let amountTax = 0;
  for (const credit of credits) {
    const tax = Math.min(credit.exclusiveTax, taxLeft, budget);
    budget -= tax;
    taxLeft -= tax;
    amountTax += tax;
  }
  const total = line_items.reduce((s, l) => s + l.amount_to_refund, 0) + amountTax;
  if (line_items.length === 0 || total <= 0) return null;
  return { line_items, amount_tax: amountTax, total };
}

function sum(credits: readonly LineCredit[]): number {
  return credits.reduce((s, c) => s + c.total, 0);
}

/**
 * Splits a return's credits in two, exactly, line by line: `taken` holds `amount` of them
 * (the first lines first, each line's amount before its tax), `rest` what remains. An
 * exchange takes the part refunded to the card this way; the rest is its credit.
 */
export function takeFromCredits(
  credits: readonly LineCredit[],
  amount: number,
): { readonly taken: LineCredit[]; readonly rest: LineCredit[] } {
  let left = Math.max(0, amount);
  const taken: LineCredit[] = [];
  const rest: LineCredit[] = [];
  for (const credit of credits) {
    const lineAmount = Math.min(credit.amount, left);
    left -= lineAmount;
    const tax = Math.min(credit.exclusiveTax, left);
    left -= tax;
    const part = (a: number, t: number) => ({
      ...credit,
      amount: a,
      exclusiveTax: t,
      total: a + t,
    });
    taken.push(part(lineAmount, tax));
    rest.push(part(credit.amount - lineAmount, credit.exclusiveTax - tax));
  }
  const some = (list: LineCredit[]) => list.filter((c) => c.total > 0);
  return { taken: some(taken), rest: some(rest) };
}
