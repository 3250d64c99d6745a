import type { Kysely } from 'kysely';
import { selectProcessorSettings } from '../../adapters/db/repos/processor-settings-repo.js';
import type { Database, ProcessorSettingsRow } from '../../adapters/db/schema.js';
import type { Failure } from '../../domain/errors.js';
import type { Mode, Tenant } from '../../domain/tenant.js';
import type { PaymentProcessor, ProcessorName, Processors } from '../../ports/payment-processor.js';
import type { SecretBox } from '../shared/secret-box.js';
import { openStripeSecret } from './processor-settings.js';

/**
 * The sandbox moves no money and its `tok_…` cards are test cards: live mode takes
 * payments only through a real processor (as Stripe refuses test cards with live keys).
 */
export function takesPayments(mode: Mode, processor: ProcessorName): boolean {
  return mode === 'test' || processor !== 'sandbox';
}

/**
 * Whether the tenant can take a payment now. A processor whose credentials cannot be
 * opened counts as set up: paying then reports the cause.
 */
export async function acceptsPayments(processors: Processors, tenant: Tenant): Promise<boolean> {
  if (tenant.mode === 'test') return true;
  const name = await processors.forNewPayments(tenant).then(
    (p) => p.name,
    () => 'stripe' as const,
  );
  return takesPayments(tenant.mode, name);
}

export const processorNotConfigured: Failure = {
  code: 'processor_not_configured',
  message:
    'Live mode takes payments only through a real processor; set the live Stripe keys with PUT /v1/processor and a live key',
};

export interface AccountProcessorsOptions {
  readonly db: Kysely<Database>;
  /** Opens the stored Stripe keys; null when the server has no encryption key. */
  readonly secretBox: SecretBox | null;
  readonly sandbox: PaymentProcessor;
  /** A Stripe processor for one secret key (the composition root picks the SDK options). */
  readonly stripe: (secretKey: string) => PaymentProcessor;
}

/**
 * Each account's processor per mode, from its settings (the sandbox until it chooses
 * Stripe). Stripe clients are kept per account and mode, and replaced when its key is.
 */
export function accountProcessors(options: AccountProcessorsOptions): Processors {
  const clients = new Map<string, { sealed: string; processor: PaymentProcessor }>();

  function stripeOf(row: ProcessorSettingsRow): PaymentProcessor {
    const sealed = row.stripe_secret_key;
    if (!sealed) {
      throw new Error(`account ${row.account_id} has no Stripe key in ${row.mode} mode`);
    }
    const id = `${row.account_id}:${row.mode}`;
    const cached = clients.get(id);
    if (cached?.sealed === sealed) return cached.processor;
    const secretKey = openStripeSecret(options.secretBox, row, 'stripe_secret_key') ?? '';
    const processor = options.stripe(secretKey);
    clients.delete(id); // re-inserted last: the oldest entries go first below
    clients.set(id, { sealed, processor });
    if (clients.size > 1000) {
      const oldest = clients.keys().next().value;
      if (oldest !== undefined) clients.delete(oldest);
    }
    return processor;
  }

  async function settingsOf(tenant: Tenant): Promise<ProcessorSettingsRow | undefined> {
    return selectProcessorSettings(options.db, tenant);
  }

  return {
    async forNewPayments(tenant) {
      const row = await settingsOf(tenant);
      return row?.processor === 'stripe' ? stripeOf(row) : options.sandbox;
    },
    // The processor that took a payment, even if the account has switched since.
    async named(tenant, name) {
      if (name === 'sandbox') return options.sandbox;
      if (name !== 'stripe') throw new Error(`unknown processor "${name}"`);
      const row = await settingsOf(tenant);
      if (!row) throw new Error(`account ${tenant.accountId} has no Stripe settings`);
      return stripeOf(row);
    },
  };
}
