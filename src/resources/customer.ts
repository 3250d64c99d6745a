import type { CustomerRow } from '../adapters/db/schema.js';
import { modeAndTimes } from './object-times.js';

/** A customer as the API and its events show it. */
export function customerResource(row: CustomerRow) {
  return {
    customer_id: row.id,
    object: 'customer' as const,
    email: row.email,
    name: row.name,
    phone: row.phone,
    description: row.description,
    default_payment_method_id: row.default_payment_method_id,
    /** Negative: credit the customer has (used by its next orders); positive: it owes. */
    balance: row.balance,
    /** The balance's currency, once it has had a transaction. */
    currency: row.currency,
    test_clock: row.test_clock_id,
    metadata: row.metadata,
    ...modeAndTimes(row),
  };
}
