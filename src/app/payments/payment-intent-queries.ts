import type { Page, PageRequest } from '../../adapters/db/pagination.js';
import {
  listPaymentIntents as listPaymentIntentRows,
  selectPaymentIntentById,
} from '../../adapters/db/repos/payment-intents-repo.js';
import type { PaymentIntentRow } from '../../adapters/db/schema.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import type { Tenant } from '../../domain/tenant.js';
import type { Deps } from '../shared/deps.js';

export async function getPaymentIntent(
  deps: Deps,
  tenant: Tenant,
  id: string,
): Promise<Result<PaymentIntentRow>> {
  const row = await selectPaymentIntentById(deps.db, tenant, id);
  return row ? ok(row) : fail(missing('payment intent'));
}

export async function listPaymentIntents(
  deps: Deps,
  tenant: Tenant,
  filter: { readonly orderId?: string | undefined },
  page: PageRequest,
): Promise<Page<PaymentIntentRow>> {
  return listPaymentIntentRows(deps.db, tenant, filter, page);
}
