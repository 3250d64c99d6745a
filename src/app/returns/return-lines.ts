import type { ReturnLine, ReturnRow } from '../../adapters/db/schema-returns.js';
import type { LineCredit, ReturnableLine } from '../../domain/returns/return-credit.js';
import { holdsQuantity } from '../../domain/returns/return-state.js';
import type { OrderView } from '../../resources/order.js';

// Reading an order's lines as returns see them: what each was paid, what earlier returns hold.

/** The order's lines with what each was paid (its taxable amount and exclusive tax). */
export function returnableLinesOf(view: OrderView): ReturnableLine[] {
  return view.lines.map((line, i) => {
    const priced = view.pricing.lines[i];
    if (!priced || priced.id !== line.id) throw new Error('pricing does not match the lines');
    return {
      id: line.id,
      quantity: line.quantity,
      taxable: priced.taxable,
      exclusiveTax: priced.total - priced.taxable,
      tax: priced.tax,
    };
  });
}

/** The units of each line that the order's returns (not canceled) already hold. */
export function returnedSoFar(returns: readonly ReturnRow[]): Map<string, number> {
  const held = new Map<string, number>();
  for (const row of returns) {
    if (!holdsQuantity(row.status)) continue;
    for (const line of row.line_items) {
      held.set(line.line_item_id, (held.get(line.line_item_id) ?? 0) + line.quantity);
    }
  }
  return held;
}

/** A return's stored lines: each credit with the line's product. */
export function returnLinesOf(view: OrderView, credits: readonly LineCredit[]): ReturnLine[] {
  const products = new Map(view.lines.map((l) => [l.id, l.product_id]));
  return credits.map((credit) => ({
    line_item_id: credit.lineId,
    product_id: products.get(credit.lineId) ?? null,
    quantity: credit.quantity,
    amount: credit.amount,
    exclusive_tax: credit.exclusiveTax,
    tax: credit.tax,
  }));
}

/** A stored return's lines as credits again (what its refund is planned from). */
export function creditsOf(row: ReturnRow): LineCredit[] {
  return row.line_items.map((line) => ({
    lineId: line.line_item_id,
    quantity: line.quantity,
    amount: line.amount,
    exclusiveTax: line.exclusive_tax,
    tax: line.tax,
    total: line.amount + line.exclusive_tax,
  }));
}
