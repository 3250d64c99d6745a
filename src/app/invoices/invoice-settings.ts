import {
  selectInvoiceSettings,
  upsertInvoiceSettings,
} from '../../adapters/db/repos/invoices-repo.js';
import type { TenantContext } from '../shared/command-context.js';

/** An account's invoice settings in one mode: the number prefix, and whether drafts need approval. */
export interface InvoiceSettings {
  readonly number_prefix: string;
  readonly approval_required: boolean;
}

export function getInvoiceSettings({ deps, tenant }: TenantContext): Promise<InvoiceSettings> {
  return selectInvoiceSettings(deps.db, tenant);
}

/**
 * Sets the prefix of the next numbers (those given keep theirs: numbers stay unique, as
 * the counter goes on) and whether new drafts need approval by default.
 */
export async function updateInvoiceSettings(
  ctx: TenantContext,
  input: Partial<InvoiceSettings>,
): Promise<InvoiceSettings> {
  const current = await getInvoiceSettings(ctx);
  const next = { ...current, ...definedOf(input) };
  await upsertInvoiceSettings(ctx.deps.db, ctx.tenant, next);
  return next;
}

function definedOf(input: Partial<InvoiceSettings>): Partial<InvoiceSettings> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
}
