import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import {
  getProcessorSettings,
  setProcessorSettings,
} from '../../../app/processors/processor-settings.js';
import type { Deps } from '../../../app/shared/deps.js';
import type { SecretBox } from '../../../app/shared/secret-box.js';
import { PROCESSOR_TYPES } from '../../../domain/value-lists.js';
import { processorSettingsResource } from '../../../resources/processor-settings.js';
import { callerOf } from '../../auth.js';
import { unwrap } from '../../errors.js';
import { ErrorResponses, literalUnion, ModeAndTimes, Nullable } from '../../schemas.js';

export const Processor = Type.Object({
  account_id: Type.String(),
  object: Type.Literal('processor'),
  type: literalUnion(PROCESSOR_TYPES),
  stripe: Nullable(
    Type.Object({
      secret_key: Type.String({ description: 'Redacted, e.g. sk_test_…a1B2' }),
      webhook_secret: Nullable(Type.String({ description: 'Redacted, e.g. whsec_…a1B2' })),
      publishable_key: Nullable(
        Type.String({
          description: 'Shown in full: it is public (Stripe.js uses it on the hosted page)',
        }),
      ),
    }),
  ),
  ...ModeAndTimes,
});

const PutProcessorBody = Type.Object(
  {
    processor: Type.Object(
      {
        type: literalUnion(PROCESSOR_TYPES),
        secret_key: Type.Optional(
          Type.String({
            maxLength: 255,
            pattern: '^(sk|rk)_(test|live)_[0-9A-Za-z]+$',
            description: "Stripe secret or restricted key of the calling key's mode",
          }),
        ),
        webhook_secret: Type.Optional(
          Type.String({
            maxLength: 255,
            pattern: '^whsec_[0-9A-Za-z]+$',
            description:
              'Signing secret of the Stripe endpoint that posts to /v1/processors/stripe/webhook',
          }),
        ),
        publishable_key: Type.Optional(
          Type.String({
            maxLength: 255,
            pattern: '^pk_(test|live)_[0-9A-Za-z]+$',
            description:
              "Stripe publishable key of the calling key's mode: the hosted checkout page collects cards with Stripe.js and needs it",
          }),
        ),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

const tags = ['Processor'];

export function registerProcessorSettingsRoutes(
  server: FastifyInstance,
  deps: Deps,
  secretBox: SecretBox | null,
): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();
  const response = { 200: Type.Object({ processor: Processor }), ...ErrorResponses };

  app.get(
    '/v1/processor',
    {
      schema: {
        tags,
        summary: "The calling key's account's card processor in its mode (secrets redacted)",
        response,
      },
    },
    async (request) => ({
      processor: processorSettingsResource(
        unwrap(await getProcessorSettings(deps, callerOf(request))),
      ),
    }),
  );

  app.put(
    '/v1/processor',
    {
      schema: {
        tags,
        summary: 'Choose the card processor of this account and mode: sandbox or Stripe',
        description:
          'Stripe keys are sealed with the server key (FLINT_ENCRYPTION_KEY) and never shown again; a test key sets only sk_test_/rk_test_ keys, a live key only live ones.',
        body: PutProcessorBody,
        response,
      },
    },
    async (request) => ({
      processor: processorSettingsResource(
        unwrap(
          await setProcessorSettings(
            { deps, secretBox, tenant: callerOf(request) },
            request.body.processor,
          ),
        ),
      ),
    }),
  );
}
