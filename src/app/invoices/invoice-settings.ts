import {
  type InvoiceSettingsColumns,
  selectInvoiceSettings,
  upsertInvoiceSettings,
} from '../../adapters/db/repos/invoices-repo.js';
import { fail, ok, type Result } from '../../domain/errors.js';
import { checkTimeZone, type ReminderSchedule } from '../../domain/invoices/invoice-reminders.js';
import type { TenantContext } from '../shared/command-context.js';

/**
 * An account's invoice settings in one mode: the number prefix, whether drafts need
 * approval, its time zone, the reminders sent invoices get and whether finalizing sends.
 */
export type InvoiceSettings = InvoiceSettingsColumns;

/** What an update gives: any of the settings; `reminders` gives any of its steps' lists. */
export interface InvoiceSettingsInput {
  readonly number_prefix?: string | undefined;
  readonly approval_required?: boolean | undefined;
  readonly time_zone?: string | undefined;
  readonly reminders?: Partial<ReminderSchedule> | undefined;
  readonly auto_send?: boolean | undefined;
}

export function getInvoiceSettings({ deps, tenant }: TenantContext): Promise<InvoiceSettings> {
  return selectInvoiceSettings(deps.db, tenant);
}

/**
 * Sets the prefix of the next numbers (those given keep theirs: numbers stay unique, as
 * the counter goes on), whether new drafts need approval by default, the time zone and
 * the reminder schedule (for invoices sent from then on: those sent keep their steps). An
 * unknown time zone is a 422 and changes nothing.
 */
export async function updateInvoiceSettings(
  ctx: TenantContext,
  input: InvoiceSettingsInput,
): Promise<Result<InvoiceSettings>> {
  const current = await getInvoiceSettings(ctx);
  const zone =
    input.time_zone === undefined ? ok(current.time_zone) : checkTimeZone(input.time_zone);
  if (!zone.ok) return fail(zone.error);
  const next: InvoiceSettings = {
    number_prefix: input.number_prefix ?? current.number_prefix,
    approval_required: input.approval_required ?? current.approval_required,
    time_zone: zone.value,
    reminders: { ...current.reminders, ...definedOf(input.reminders ?? {}) },
    auto_send: input.auto_send ?? current.auto_send,
  };
  await upsertInvoiceSettings(ctx.deps.db, ctx.tenant, next);
  return ok(next);
}

function definedOf<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as Partial<T>;
}
