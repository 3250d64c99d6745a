import type { Kysely } from 'kysely';
import type { Database } from './adapters/db/schema.js';
import { createSandboxProcessor, type SandboxOptions } from './adapters/processors/sandbox.js';
import {
  createStripeClient,
  createStripeProcessor,
  type StripeClientOptions,
} from './adapters/processors/stripe.js';
import { accountProcessors } from './app/processors/account-processors.js';
import type { SecretBox } from './app/shared/secret-box.js';
import type { Processors } from './ports/payment-processor.js';

/** Each account's configured processor: the sandbox by default, Stripe once it sets a key. */
export function defaultProcessors(
  db: Kysely<Database>,
  secretBox: SecretBox | null,
  stripe: StripeClientOptions = {},
  sandbox: SandboxOptions = {},
): Processors {
  return accountProcessors({
    db,
    secretBox,
    sandbox: createSandboxProcessor(sandbox),
    stripe: (secretKey) => createStripeProcessor(createStripeClient(secretKey, stripe)),
  });
}
