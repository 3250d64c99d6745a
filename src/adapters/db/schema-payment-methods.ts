import type { Selectable } from 'kysely';
import type { CardBrand, CardFunding } from '../../domain/card-details.js';
import type { PaymentMethodStatus } from '../../domain/payment-methods/payment-method-values.js';
import type { MetadataAndTimestamps, Nullable, TenantColumns } from './schema-columns.js';

export interface PaymentMethodsTable extends TenantColumns, MetadataAndTimestamps {
  customer_id: string;
  /** The processor that keeps it: a charge with it goes there, whatever the account uses now. */
  processor: string;
  /** What a charge passes as its payment source (`pm_…`). */
  processor_payment_method_id: string;
  /** The processor's customer it is attached to (Stripe's `cus_…`); null in the sandbox. */
  processor_customer_id: string | null;
  /** The card as the processor reported it when saved; all null when it said nothing. */
  card_brand: CardBrand | null;
  card_last4: string | null;
  card_exp_month: number | null;
  card_exp_year: number | null;
  card_funding: CardFunding | null;
  status: PaymentMethodStatus;
  detached_at: Nullable<Date>;
  /** The Idempotency-Key of the request that saved it: a retry finds it. */
  request_key: string | null;
}

export type PaymentMethodRow = Selectable<PaymentMethodsTable>;
