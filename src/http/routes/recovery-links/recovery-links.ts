import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import { createRecoveryLink } from '../../../app/recovery-links/create-recovery-link.js';
import {
  deactivateRecoveryLink,
  updateRecoveryLink,
} from '../../../app/recovery-links/recovery-link-actions.js';
import {
  getRecoveryLink,
  listOrderRecoveryLinks,
  listRecoveryLinks,
} from '../../../app/recovery-links/recovery-link-views.js';
import {
  getRecoverySettings,
  type RecoverySettings as Settings,
  updateRecoverySettings,
} from '../../../app/recovery-links/recovery-settings.js';
import type { Deps } from '../../../app/shared/deps.js';
import type { Tenant } from '../../../domain/tenant.js';
import { recoveryLinkResource } from '../../../resources/recovery-link.js';
import { callerOf, commandContextOf } from '../../auth.js';
import { unwrap } from '../../errors.js';
import { listBody, pageRequestOf } from '../../pagination.js';
import {
  ActionBody,
  ErrorResponses,
  FieldsBody,
  Id,
  ListQuery,
  ListResponse,
} from '../../schemas.js';
import { baseUrl, onBaseUrl } from '../checkout/checkout-sessions.js';
import { ofCaller, resourceRoutes } from '../resource-routes.js';
import {
  CreateRecoveryLinkBody,
  RecoveryLink,
  RecoveryLinkStatus,
  RecoverySettings,
  UpdateRecoveryLinkBody,
} from './recovery-link-schemas.js';

const tags = ['Recovery links'];
const OrderParams = Type.Object({ order_id: Id('ord') }, { additionalProperties: false });
const Answer = Type.Object({ recovery_link: RecoveryLink });

/**
 * Recovery links: made on an order (`POST /v1/orders/{id}/recovery_links`, listed there
 * too), read, listed, updated and deactivated as a resource of their own.
 */
export function registerRecoveryLinkRoutes(server: FastifyInstance, deps: Deps): void {
  const routes = resourceRoutes(server, deps, {
    key: 'recovery_link',
    idPrefix: 'rl',
    tags,
    schema: RecoveryLink,
    serialize: onBaseUrl(recoveryLinkResource),
  });
  routes.get({ summary: 'Retrieve a recovery link', run: ofCaller(getRecoveryLink) });
  routes.update({
    summary: "Change a recovery link's metadata",
    body: UpdateRecoveryLinkBody,
    run: (ctx, id, body) => updateRecoveryLink(ctx, { id, changes: body.recovery_link }),
  });
  routes.list({
    summary: 'List recovery links, newest first',
    filters: { status: Type.Optional(RecoveryLinkStatus), order_id: Type.Optional(Id('ord')) },
    run: (ctx, { status, order_id }, page) =>
      listRecoveryLinks(ctx, { filter: { status, order_id }, page }),
  });
  routes.action('deactivate', {
    summary: 'Deactivate an active recovery link: its page takes no payment any more',
    body: ActionBody,
    run: (ctx, id) => deactivateRecoveryLink(ctx, { id }),
  });
  registerOrderRecoveryLinkRoutes(server, deps);
}

/** The order's own: make a link for its balance, and list its links. */
function registerOrderRecoveryLinkRoutes(server: FastifyInstance, deps: Deps): void {
  server.post(
    '/v1/orders/:order_id/recovery_links',
    {
      schema: {
        tags,
        summary: "Create a recovery link for an order's balance",
        params: OrderParams,
        body: CreateRecoveryLinkBody,
        response: { 200: Answer, ...ErrorResponses },
      },
    },
    async (request) => {
      const { order_id: orderId } = request.params as { order_id: string };
      const body = request.body as {
        recovery_link: Parameters<typeof createRecoveryLink>[1]['link'];
      };
      const view = unwrap(
        await createRecoveryLink(commandContextOf(request, deps), {
          orderId,
          link: body.recovery_link,
        }),
      );
      return { recovery_link: recoveryLinkResource(view, baseUrl(deps, request)) };
    },
  );
  const query = ListQuery('rl', { status: Type.Optional(RecoveryLinkStatus) });
  server.get(
    '/v1/orders/:order_id/recovery_links',
    {
      schema: {
        tags,
        summary: "List an order's recovery links, newest first",
        params: OrderParams,
        querystring: query,
        response: { 200: ListResponse('recovery_links', RecoveryLink), ...ErrorResponses },
      },
    },
    async (request) => {
      const { order_id } = request.params as { order_id: string };
      const q = request.query as { status?: Static<typeof RecoveryLinkStatus> };
      const page = await listOrderRecoveryLinks(
        { deps, tenant: callerOf(request) },
        {
          filter: { order_id, status: q.status },
          page: pageRequestOf(request.query as Parameters<typeof pageRequestOf>[0]),
        },
      );
      const base = baseUrl(deps, request);
      return listBody('recovery_links', unwrap(page), (view) => recoveryLinkResource(view, base));
    },
  );
}

const settingsAnswer = (settings: Settings, tenant: Tenant) => ({
  recovery_settings: {
    object: 'recovery_settings' as const,
    automatic_recovery: settings.automatic_recovery,
    test_mode: tenant.mode === 'test',
  },
});

/** Whether the account recovers abandoned balances by itself, per mode. */
export function registerRecoverySettingsRoutes(server: FastifyInstance, deps: Deps): void {
  const answer = Type.Object({ recovery_settings: RecoverySettings });
  server.get(
    '/v1/recovery_settings',
    {
      schema: {
        tags,
        summary: 'Retrieve the recovery settings',
        response: { 200: answer, ...ErrorResponses },
      },
    },
    async (request) => {
      const tenant = callerOf(request);
      return settingsAnswer(await getRecoverySettings({ deps, tenant }), tenant);
    },
  );
  server.post(
    '/v1/recovery_settings',
    {
      schema: {
        tags,
        summary: 'Turn automatic recovery on or off (off by default)',
        body: FieldsBody('recovery_settings', {
          automatic_recovery: Type.Optional(Type.Boolean()),
        }),
        response: { 200: answer, ...ErrorResponses },
      },
    },
    async (request) => {
      const tenant = callerOf(request);
      const body = request.body as { recovery_settings: { automatic_recovery?: boolean } };
      return settingsAnswer(
        await updateRecoverySettings({ deps, tenant }, body.recovery_settings),
        tenant,
      );
    },
  );
}
