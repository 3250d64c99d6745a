import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import type { ApiKeyRow } from '../../../adapters/db/schema.js';
import { createApiKey, listApiKeys, revokeApiKey } from '../../../app/accounts/api-keys.js';
import type { Deps } from '../../../app/shared/deps.js';
import { ok } from '../../../domain/errors.js';
import { callerOf } from '../../auth.js';
import { unwrap } from '../../errors.js';
import { ErrorResponses, Fields, FieldsBody, Id, Nullable, Timestamp } from '../../schemas.js';
import { resourceRoutes } from '../resource-routes.js';

export const ApiKey = Type.Object({
  api_key_id: Type.String(),
  object: Type.Literal('api_key'),
  name: Nullable(Type.String()),
  redacted: Type.String({ description: 'The mode and last four characters, e.g. sk_test_…a1B2' }),
  secret: Type.Optional(
    Type.String({
      description: 'The full secret key: present only in the response that created it',
    }),
  ),
  test_mode: Type.Boolean(),
  created_at: Timestamp,
  last_used_at: Nullable(Timestamp),
  revoked_at: Nullable(Timestamp),
});
export type ApiKey = Static<typeof ApiKey>;

const CreateApiKeyBody = FieldsBody('api_key', {
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
});
const ApiKeyParams = Fields({ api_key_id: Id('key') });
const ApiKeyResponse = Type.Object({ api_key: ApiKey });
const tags = ['API keys'];

export function serializeApiKey(row: ApiKeyRow, secret?: string): ApiKey {
  return {
    api_key_id: row.id,
    object: 'api_key',
    name: row.name,
    redacted: row.redacted,
    ...(secret ? { secret } : {}),
    test_mode: row.mode === 'test',
    created_at: row.created_at.toISOString(),
    last_used_at: row.last_used_at?.toISOString() ?? null,
    revoked_at: row.revoked_at?.toISOString() ?? null,
  };
}

export function registerApiKeyRoutes(server: FastifyInstance, deps: Deps): void {
  const routes = resourceRoutes(server, deps, {
    key: 'api_key',
    idPrefix: 'key',
    tags,
    schema: ApiKey,
    serialize: (row: ApiKeyRow) => serializeApiKey(row),
  });
  routes.createAnswering({
    summary: 'Create a secret key in the mode of the calling key (shown once)',
    config: { secretFields: [['api_key', 'secret']] },
    body: CreateApiKeyBody,
    response: ApiKeyResponse,
    run: async ({ deps, caller }, body) => ok(await createApiKey(deps, caller, body.api_key)),
    answer: ({ row, secret }) => ({ api_key: serializeApiKey(row, secret) }),
  });
  routes.list({
    summary: 'List the secret keys of the calling mode, newest first',
    filters: {},
    run: ({ deps, caller }, _query, page) => listApiKeys(deps, caller, page),
  });

  // Revoking answers the key itself, revoked (not `{"deleted": true}`): not `routes.remove`.
  const app = server.withTypeProvider<TypeBoxTypeProvider>();
  app.delete(
    '/v1/api_keys/:api_key_id',
    {
      schema: {
        tags,
        summary: 'Revoke a secret key; it stops working at once',
        params: ApiKeyParams,
        response: { 200: ApiKeyResponse, ...ErrorResponses },
      },
    },
    async (request) => {
      const row = unwrap(await revokeApiKey(deps, callerOf(request), request.params.api_key_id));
      return { api_key: serializeApiKey(row) };
    },
  );
}
