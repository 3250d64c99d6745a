import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import type { AccountRow } from '../../../adapters/db/schema.js';
import { getAccount, updateAccount } from '../../../app/accounts/accounts.js';
import { type CreatedAccount, createAccount } from '../../../app/accounts/create-account.js';
import type { Deps } from '../../../app/shared/deps.js';
import { ACCOUNT_WIDE, callerOf } from '../../auth.js';
import { unwrap } from '../../errors.js';
import { ErrorResponses, FieldsBody, Metadata, MetadataBody, Timestamp } from '../../schemas.js';
import { baseUrl } from '../checkout/checkout-sessions.js';
import { ConsoleUser, consoleUserResource, inviteUrl } from './console-users.js';

export const Account = Type.Object({
  account_id: Type.String(),
  object: Type.Literal('account'),
  name: Type.String(),
  default_currency: Type.String(),
  tax_shipping: Type.Boolean({ description: 'Whether shipping is taxed' }),
  metadata: Type.Record(Type.String(), Type.String()),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type Account = Static<typeof Account>;

const CreateAccountBody = FieldsBody('account', {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  default_currency: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z]{3}$',
      description: 'ISO 4217, either case; USD if omitted',
    }),
  ),
  metadata: Type.Optional(Metadata),
  owner_email: Type.Optional(
    Type.String({
      format: 'email',
      maxLength: 254,
      description: "The console's first user (owner); the answer carries their invite_url",
    }),
  ),
});
const UpdateAccountBody = MetadataBody(
  'account',
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    tax_shipping: Type.Optional(
      Type.Boolean({ description: 'Whether shipping is taxed on orders created from now on' }),
    ),
  },
  'Only the given fields change; metadata is merged ("" removes a key).',
);
const CreateAccountResponse = Type.Object({
  account: Account,
  keys: Type.Object({ test_secret_key: Type.String(), live_secret_key: Type.String() }),
  owner: Type.Optional(ConsoleUser),
});

export function serializeAccount(row: AccountRow): Account {
  return {
    account_id: row.id,
    object: 'account',
    name: row.name,
    default_currency: row.default_currency,
    tax_shipping: row.tax_shipping,
    metadata: row.metadata,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/**
 * What creating an account answers (the admin API and `flint accounts create` alike): the
 * account, its two secret keys, and its owner with an invite link on `base` when one was named.
 */
export function createdAccountAnswer(
  created: CreatedAccount,
  base: string,
): Static<typeof CreateAccountResponse> {
  return {
    account: serializeAccount(created.account),
    keys: { test_secret_key: created.testSecretKey, live_secret_key: created.liveSecretKey },
    ...(created.owner
      ? {
          owner: consoleUserResource(
            created.owner.user,
            inviteUrl(base, created.owner.inviteToken),
          ),
        }
      : {}),
  };
}

/** Admin API: the operator of a Flint installation creates merchant accounts. */
export function registerAdminAccountRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();
  app.post(
    '/v1/accounts',
    {
      schema: {
        tags: ['Admin'],
        summary: 'Create an account with a test and a live secret key (admin token)',
        security: [{ adminToken: [] }],
        body: CreateAccountBody,
        response: { 200: CreateAccountResponse, ...ErrorResponses },
      },
    },
    async (request) => {
      const { account } = request.body;
      const created = unwrap(
        await createAccount(deps, {
          name: account.name,
          defaultCurrency: account.default_currency,
          metadata: account.metadata,
          ownerEmail: account.owner_email,
        }),
      );
      return createdAccountAnswer(created, baseUrl(deps, request));
    },
  );
}

export function registerAccountRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/v1/account',
    {
      schema: {
        tags: ['Accounts'],
        summary: 'Retrieve the account of the calling key',
        response: { 200: Type.Object({ account: Account }), ...ErrorResponses },
      },
    },
    async (request) => {
      const row = unwrap(await getAccount(deps, callerOf(request).accountId));
      return { account: serializeAccount(row) };
    },
  );
  app.patch(
    '/v1/account',
    {
      config: ACCOUNT_WIDE,
      schema: {
        tags: ['Accounts'],
        summary: 'Update the account of the calling key (name, tax_shipping, metadata)',
        body: UpdateAccountBody,
        response: { 200: Type.Object({ account: Account }), ...ErrorResponses },
      },
    },
    async (request) => {
      const { account } = request.body;
      const row = unwrap(await updateAccount(deps, callerOf(request).accountId, account));
      return { account: serializeAccount(row) };
    },
  );
}
