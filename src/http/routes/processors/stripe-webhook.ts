import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { receiveStripeWebhook } from '../../../app/processors/processor-webhooks.js';
import type { Deps } from '../../../app/shared/deps.js';
import type { SecretBox } from '../../../app/shared/secret-box.js';
import type { ProcessorWebhooks } from '../../../ports/payment-processor.js';
import { unwrap } from '../../errors.js';
import { ErrorResponses } from '../../schemas.js';

/**
 * `POST /v1/processors/stripe/webhook`: Stripe's deliveries, authenticated by their
 * `Stripe-Signature` (no Flint key). The signature covers the exact bytes sent, so this
 * route, alone, takes its body raw, whatever its content type.
 */
export async function registerStripeWebhookRoute(
  server: FastifyInstance,
  deps: Deps,
  secretBox: SecretBox | null,
  webhooks: ProcessorWebhooks,
): Promise<void> {
  await server.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) =>
      done(null, body),
    );
    scope.post(
      '/v1/processors/stripe/webhook',
      {
        bodyLimit: 512 * 1024,
        schema: {
          tags: ['Processor webhooks'],
          summary: "Stripe's webhook deliveries (verified with the account's webhook secret)",
          security: [],
          response: { 200: Type.Object({ received: Type.Boolean() }), ...ErrorResponses },
        },
      },
      async (request) => {
        const signature = request.headers['stripe-signature'];
        const payload = typeof request.body === 'string' ? request.body : '';
        unwrap(
          await receiveStripeWebhook(
            { deps, secretBox, webhooks },
            { payload, signature: typeof signature === 'string' ? signature : undefined },
          ),
        );
        return { received: true };
      },
    );
  });
}
