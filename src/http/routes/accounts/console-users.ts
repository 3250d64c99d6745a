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
import { ACCOUNT_WIDE } from '../../auth.js';
import { ActionBody, FieldsBody, literalUnion, Nullable, Timestamp } from '../../schemas.js';
import { baseUrl } from '../checkout/checkout-sessions.js';
import { type RouteContext, resourceRoutes } from '../resource-routes.js';

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

const CreateBody = FieldsBody('console_user', {
  email: Type.String({ format: 'email', maxLength: 254 }),
  role: Role,
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  refund_limit: Type.Optional(RefundLimit),
});
const UpdateBody = FieldsBody('console_user', {
  role: Type.Optional(Role),
  name: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 200 }))),
  refund_limit: Type.Optional(RefundLimit),
  disabled: Type.Optional(Type.Boolean()),
});
const Response = Type.Object({ console_user: ConsoleUser });
const secretFields = [['console_user', 'invite_url']] as const;

/** The people who sign in to the operator console of the calling key's account. */
export function registerConsoleUserRoutes(server: FastifyInstance, deps: Deps): void {
  const routes = resourceRoutes(server, deps, {
    key: 'console_user',
    idPrefix: 'cu',
    tags: ['Console users'],
    schema: ConsoleUser,
    serialize: (row: ConsoleUserRow) => consoleUserResource(row),
  });
  const invited = (result: Invited, { request }: RouteContext) => ({
    console_user: consoleUserResource(
      result.user,
      inviteUrl(baseUrl(deps, request), result.inviteToken),
    ),
  });
  routes.createAnswering({
    summary: 'Invite a console user; the answer carries their one-time invite_url',
    config: { ...ACCOUNT_WIDE, secretFields },
    body: CreateBody,
    response: Response,
    run: ({ deps, caller }, body) => inviteConsoleUser(deps, caller.accountId, body.console_user),
    answer: invited,
  });
  routes.list({
    summary: "The account's console users, newest first",
    filters: {},
    run: ({ deps, caller }, _query, page) => listConsoleUsers(deps, caller.accountId, page),
  });
  routes.update({
    summary: 'Change a console user’s role, refund limit or name, or disable them',
    config: ACCOUNT_WIDE,
    body: UpdateBody,
    run: ({ deps, caller }, id, body) =>
      updateConsoleUser({ deps, accountId: caller.accountId }, { id, changes: body.console_user }),
  });
  routes.actionAnswering('invite', {
    summary: 'A new one-time link to set the password (the old one stops working)',
    config: { ...ACCOUNT_WIDE, secretFields },
    body: ActionBody,
    response: Response,
    run: ({ deps, caller }, id) => reinviteConsoleUser(deps, caller.accountId, id),
    answer: invited,
  });
}
