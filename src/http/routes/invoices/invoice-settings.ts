import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import {
  getInvoiceSettings,
  type InvoiceSettingsInput,
  type InvoiceSettings as Settings,
  updateInvoiceSettings,
} from '../../../app/invoices/invoice-settings.js';
import type { Deps } from '../../../app/shared/deps.js';
import { NUMBER_PREFIX_PATTERN } from '../../../domain/invoices/invoice-amounts.js';
import {
  MAX_REMINDER_DAYS,
  MAX_REMINDER_STEPS,
} from '../../../domain/invoices/invoice-reminders.js';
import type { Tenant } from '../../../domain/tenant.js';
import { callerOf } from '../../auth.js';
import { unwrap } from '../../errors.js';
import { ErrorResponses, Fields, FieldsBody } from '../../schemas.js';

const Days = (description: string) =>
  Type.Array(Type.Integer({ minimum: 1, maximum: MAX_REMINDER_DAYS }), {
    maxItems: MAX_REMINDER_STEPS,
    uniqueItems: true,
    description,
  });

const Reminders = Type.Object({
  days_before_due: Days('A reminder this many days before the due date'),
  on_due_date: Type.Boolean({ description: 'A reminder on the due date' }),
  days_after_due: Days('A reminder this many days after the due date (while unpaid)'),
});

export const InvoiceSettings = Type.Object({
  object: Type.Literal('invoice_settings'),
  number_prefix: Type.String({ description: 'Put before the 6-digit number: FLT-000042' }),
  approval_required: Type.Boolean({ description: 'Whether new drafts wait for approval' }),
  time_zone: Type.String({
    description: 'IANA time zone: reminders go out at 09:00 there, overdue at the due day’s end',
  }),
  reminders: Reminders,
  auto_send: Type.Boolean({
    description: 'Whether finalizing an invoice also mails it to the buyer (as POST …/send)',
  }),
  test_mode: Type.Boolean(),
});

const UpdateBody = FieldsBody(
  'invoice_settings',
  {
    number_prefix: Type.Optional(Type.String({ pattern: NUMBER_PREFIX_PATTERN })),
    approval_required: Type.Optional(Type.Boolean()),
    time_zone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    auto_send: Type.Optional(Type.Boolean()),
    reminders: Type.Optional(
      Fields({
        days_before_due: Type.Optional(Reminders.properties.days_before_due),
        on_due_date: Type.Optional(Type.Boolean()),
        days_after_due: Type.Optional(Reminders.properties.days_after_due),
      }),
    ),
  },
  'Per account and mode; numbers already given keep their prefix',
);
const Answer = Type.Object({ invoice_settings: InvoiceSettings });
const tags = ['Invoices'];

const answer = (settings: Settings, tenant: Tenant) => ({
  invoice_settings: {
    object: 'invoice_settings' as const,
    number_prefix: settings.number_prefix,
    approval_required: settings.approval_required,
    time_zone: settings.time_zone,
    reminders: {
      days_before_due: [...settings.reminders.days_before_due],
      on_due_date: settings.reminders.on_due_date,
      days_after_due: [...settings.reminders.days_after_due],
    },
    auto_send: settings.auto_send,
    test_mode: tenant.mode === 'test',
  },
});

/** The invoice settings of the caller's account in the key's mode. */
export function registerInvoiceSettingsRoutes(server: FastifyInstance, deps: Deps): void {
  server.get(
    '/v1/invoice_settings',
    {
      schema: {
        tags,
        summary: 'Retrieve the invoice settings',
        response: { 200: Answer, ...ErrorResponses },
      },
    },
    async (request) => {
      const tenant = callerOf(request);
      return answer(await getInvoiceSettings({ deps, tenant }), tenant);
    },
  );
  server.post(
    '/v1/invoice_settings',
    {
      schema: {
        tags,
        summary: 'Set the invoice number prefix, approval, time zone and reminder schedule',
        body: UpdateBody,
        response: { 200: Answer, ...ErrorResponses },
      },
    },
    async (request) => {
      const tenant = callerOf(request);
      const body = request.body as { invoice_settings: InvoiceSettingsInput };
      const settings = unwrap(await updateInvoiceSettings({ deps, tenant }, body.invoice_settings));
      return answer(settings, tenant);
    },
  );
}
