import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import type { ConsoleUserRow } from '../../../adapters/db/schema-console.js';
import {
  type Invited,
  inviteConsoleUser,
  listConsoleUsers,
  reinviteConsoleUser,
  updateConsoleUser,
} from '../../../app/console/console-users.js';
import type { Deps } from '../../../app/shared/deps.js';
import { CONSOLE_ROLES } from '../../../domain/console-roles.js';
import { MAX_AMOUNT } from '../../../domain/money.js';
import { ACCOUNT_WIDE, callerOf } from '../../auth.js';
import { unwrap } from '../../errors.js';
import { listBody, pageRequestOf } from '../../pagination.js';
import {
  ActionBody,
  ErrorResponses,
  Id,
  ListQuery,
  ListResponse,
  literalUnion,
  Nullable,
  RootBody,
  Timestamp,
} from '../../schemas.js';
import { baseUrl } from '../checkout/checkout-sessions.js';

const Role = literalUnion(CONSOLE_ROLES);
const RefundLimit = Type.Integer({
  minimum: 0,
  maximum: MAX_AMOUNT,
  description: "support only: the largest refund they may issue, in the account's minor units",
});

export const ConsoleUser = Type.Object({
  console_user_id: Type.String(),
  object: Type.Literal('console_user'),
  account_id: Type.String(),
  email: Type.String(),
  name: Nullable(Type.String()),
  role: Role,
  refund_limit: Nullable(Type.Integer()),
  status: Type.Union([Type.Literal('invited'), Type.Literal('active'), Type.Literal('disabled')]),
  invite_url: Type.Optional(
    Type.String({
      description:
        'One-time link to set the password (7 days): present only in the response that made it',
    }),
  ),
  created_at: Timestamp,
  updated_at: Timestamp,
});
type ConsoleUser = Static<typeof ConsoleUser>;

export function inviteUrl(base: string, token: string): string {
  return `${base}/console/invite/${token}`;
}

export function consoleUserResource(row: ConsoleUserRow, invite?: string): ConsoleUser {
  return {
    console_user_id: row.id,
    object: 'console_user',
    account_id: row.account_id,
    email: row.email,
    name: row.name,
    role: row.role,
    refund_limit: row.refund_limit,
    status: row.disabled_at ? 'disabled' : row.password_hash ? 'active' : 'invited',
    ...(invite ? { invite_url: invite } : {}),
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

const CreateBody = RootBody(
  'console_user',
  Type.Object(
    {
      email: Type.String({ format: 'email', maxLength: 254 }),
      role: Role,
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
      refund_limit: Type.Optional(RefundLimit),
    },
    { additionalProperties: false },
  ),
);
const UpdateBody = RootBody(
  'console_user',
  Type.Object(
    {
      role: Type.Optional(Role),
      name: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 200 }))),
      refund_limit: Type.Optional(RefundLimit),
      disabled: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
);
const Params = Type.Object({ console_user_id: Id('cu') }, { additionalProperties: false });
const Response = Type.Object({ console_user: ConsoleUser });
const tags = ['Console users'];
const secretFields = [['console_user', 'invite_url']] as const;

/** The people who sign in to the operator console of the calling key's account. */
export function registerConsoleUserRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();
  const invited = (request: Parameters<typeof baseUrl>[1], result: Invited) => ({
    console_user: consoleUserResource(
      result.user,
      inviteUrl(baseUrl(deps, request), result.inviteToken),
    ),
  });

  app.post(
    '/v1/console_users',
    {
      config: { ...ACCOUNT_WIDE, secretFields },
      schema: {
        tags,
        summary: 'Invite a console user; the answer carries their one-time invite_url',
        body: CreateBody,
        response: { 200: Response, ...ErrorResponses },
      },
    },
    async (request) =>
      invited(
        request,
        unwrap(
          await inviteConsoleUser(deps, callerOf(request).accountId, request.body.console_user),
        ),
      ),
  );

  app.get(
    '/v1/console_users',
    {
      schema: {
        tags,
        summary: "The account's console users, newest first",
        querystring: ListQuery('cu', {}),
        response: { 200: ListResponse('console_users', ConsoleUser), ...ErrorResponses },
      },
    },
    async (request) => {
      const accountId = callerOf(request).accountId;
      const page = await listConsoleUsers(deps, accountId, pageRequestOf(request.query));
      return listBody('console_users', page, (row) => consoleUserResource(row));
    },
  );

  app.patch(
    '/v1/console_users/:console_user_id',
    {
      config: ACCOUNT_WIDE,
      schema: {
        tags,
        summary: 'Change a console user’s role, refund limit or name, or disable them',
        params: Params,
        body: UpdateBody,
        response: { 200: Response, ...ErrorResponses },
      },
    },
    async (request) => ({
      console_user: consoleUserResource(
        unwrap(
          await updateConsoleUser(
            { deps, accountId: callerOf(request).accountId },
            { id: request.params.console_user_id, changes: request.body.console_user },
          ),
        ),
      ),
    }),
  );

  app.post(
    '/v1/console_users/:console_user_id/invite',
    {
      config: { ...ACCOUNT_WIDE, secretFields },
      schema: {
        tags,
        summary: 'A new one-time link to set the password (the old one stops working)',
        params: Params,
        body: ActionBody,
        response: { 200: Response, ...ErrorResponses },
      },
    },
    async (request) =>
      invited(
        request,
        unwrap(
          await reinviteConsoleUser(
            deps,
            callerOf(request).accountId,
            request.params.console_user_id,
          ),
        ),
      ),
  );
}
