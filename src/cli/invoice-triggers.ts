import type { EventType } from '../domain/event-types.js';
import { callApi } from './api-client.js';
import type { TriggerSteps } from './trigger-steps.js';

// `flint trigger invoice.<x>`: the invoice calls, each printing what it changed.

interface InvoiceBody {
  readonly invoice: {
    readonly invoice_id: string;
    readonly status: string;
    readonly number: string | null;
    readonly order_id: string;
  };
}

async function invoiceCall(
  s: TriggerSteps,
  path: string,
  {
    body = {},
    method = 'POST',
  }: { readonly body?: unknown; readonly method?: 'POST' | 'PATCH' } = {},
): Promise<InvoiceBody['invoice']> {
  const res = await callApi<InvoiceBody>(s.target, method, path, { body });
  const invoice = res.body.invoice;
  s.say(
    'invoice',
    invoice.invoice_id,
    `${invoice.status}${invoice.number ? ` ${invoice.number}` : ''}`,
  );
  return invoice;
}

/** A draft invoice of 2000 for a new order; answers its id. */
async function draft(s: TriggerSteps, fields: Record<string, unknown> = {}): Promise<string> {
  const invoice = await invoiceCall(s, '/v1/invoices', {
    body: {
      invoice: {
        line_items: [
          { name: `flint trigger ${s.tag}`, quantity: 1, unit_price_money: { amount: 2000 } },
        ],
        metadata: { flint_trigger: s.tag },
        ...fields,
      },
    },
  });
  s.say('order', invoice.order_id, 'created (under the invoice)');
  return invoice.invoice_id;
}

const act = (s: TriggerSteps, id: string, action: string) =>
  invoiceCall(s, `/v1/invoices/${id}/${action}`);

async function open(s: TriggerSteps): Promise<string> {
  const id = await draft(s);
  await act(s, id, 'finalize');
  return id;
}

async function pay(s: TriggerSteps, id: string, token = 'tok_visa'): Promise<void> {
  type Paid = InvoiceBody & { readonly payment_intent: { readonly payment_intent_id: string } };
  type Declined = { readonly error: { readonly payment_intent_id: string; readonly code: string } };
  const { body } = await callApi<Paid | Declined>(s.target, 'POST', `/v1/invoices/${id}/pay`, {
    body: { payment: { payment_source_token: token } },
    expected: [200, 402],
  });
  if ('error' in body) {
    s.say('payment_intent', body.error.payment_intent_id, `failed (${token}: ${body.error.code})`);
    return;
  }
  s.say('payment_intent', body.payment_intent.payment_intent_id, `succeeded (${token})`);
  s.say('invoice', id, body.invoice.status);
}

type Scenario = (steps: TriggerSteps) => Promise<string>;

/** Every invoice event the sandbox can produce on demand. */
export const INVOICE_SCENARIOS = {
  'invoice.created': (s) => draft(s),
  'invoice.updated': async (s) => {
    const id = await draft(s);
    await invoiceCall(s, `/v1/invoices/${id}`, {
      method: 'PATCH',
      body: { invoice: { memo: 'Updated by flint trigger' } },
    });
    return id;
  },
  'invoice.approval_requested': async (s) => {
    const id = await draft(s, { requires_approval: true });
    await act(s, id, 'finalize');
    return id;
  },
  'invoice.finalized': open,
  'invoice.payment_succeeded': async (s) => {
    const id = await open(s);
    await pay(s, id);
    return id;
  },
  'invoice.payment_failed': async (s) => {
    const id = await open(s);
    await pay(s, id, 'tok_chargeDeclined');
    return id;
  },
  'invoice.paid': async (s) => {
    const id = await open(s);
    await pay(s, id);
    return id;
  },
  'invoice.voided': async (s) => {
    const id = await open(s);
    await act(s, id, 'void');
    return id;
  },
  'invoice.marked_uncollectible': async (s) => {
    const id = await open(s);
    await act(s, id, 'mark_uncollectible');
    return id;
  },
  'invoice.sent': async (s) => {
    const id = await draft(s, { customer_details: { email: 'buyer@example.com' } });
    await act(s, id, 'finalize');
    await act(s, id, 'send');
    s.say('email', 'buyer@example.com', 'kept in GET /v1/test_helpers/emails');
    return id;
  },
  'invoice.overdue': async (s) => {
    const id = await draft(s, { days_until_due: 0 });
    await act(s, id, 'finalize');
    // Its due day ends tonight: the test helper runs its overdue mark now.
    await invoiceCall(s, `/v1/test_helpers/invoices/${id}/advance`);
    return id;
  },
} satisfies Partial<Record<EventType, Scenario>>;
