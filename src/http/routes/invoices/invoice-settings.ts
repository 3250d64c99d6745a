import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import {
  getInvoiceSettings,
  type InvoiceSettings as Settings,
  updateInvoiceSettings,
} from '../../../app/invoices/invoice-settings.js';
import type { Deps } from '../../../app/shared/deps.js';
import { NUMBER_PREFIX_PATTERN } from '../../../domain/invoices/invoice-amounts.js';
import type { Tenant } from '../../../domain/tenant.js';
import { callerOf } from '../../auth.js';
import { ErrorResponses, FieldsBody } from '../../schemas.js';

export const InvoiceSettings = Type.Object({
  object: Type.Literal('invoice_settings'),
  number_prefix: Type.String({ description: 'Put before the 6-digit number: FLT-000042' }),
  approval_required: Type.Boolean({ description: 'Whether new drafts wait for approval' }),
  test_mode: Type.Boolean(),
});

const UpdateBody = FieldsBody(
  'invoice_settings',
  {
    number_prefix: Type.Optional(Type.String({ pattern: NUMBER_PREFIX_PATTERN })),
    approval_required: Type.Optional(Type.Boolean()),
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
        summary: 'Set the invoice number prefix and whether drafts need approval',
        body: UpdateBody,
        response: { 200: Answer, ...ErrorResponses },
      },
    },
    async (request) => {
      const tenant = callerOf(request);
      const body = request.body as { invoice_settings: Partial<Settings> };
      return answer(await updateInvoiceSettings({ deps, tenant }, body.invoice_settings), tenant);
    },
  );
}
