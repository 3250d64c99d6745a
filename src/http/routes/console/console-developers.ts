import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createApiKey, listApiKeys, revokeApiKey } from '../../../app/accounts/api-keys.js';
import type { Deps } from '../../../app/shared/deps.js';
import { idPattern } from '../../../app/shared/ids.js';
import { listWebhookDeliveries, redeliverEvent } from '../../../app/webhooks/webhook-deliveries.js';
import {
  getWebhookEndpoint,
  listWebhookEndpoints,
} from '../../../app/webhooks/webhook-endpoints.js';
import { permits } from '../../../domain/console-roles.js';
import type { Tenant } from '../../../domain/tenant.js';
import { renderDevelopers, renderEndpoint } from '../../../pages/console-developer-pages.js';
import type { ConsoleFrame } from '../../../pages/console-frame.js';
import type { Csrf } from '../../csrf.js';
import { answered, sendMessagePage, sendPage } from '../../page-reply.js';

const KEY_ID = new RegExp(idPattern('key'));
const ENDPOINT_ID = new RegExp(idPattern('we'));
const EVENT_ID = new RegExp(idPattern('evt'));

type Form = Record<string, unknown>;

export interface ConsoleDeveloperOptions {
  readonly deps: Deps;
  readonly csrf: Csrf;
  readonly frameOf: (request: FastifyRequest, reply: FastifyReply) => Promise<ConsoleFrame | null>;
}

/**
 * The developers area, for owners: the mode's API keys (create, reveal once, revoke) and
 * webhook endpoints with their delivery log and redelivery. Support and viewers get 403.
 */
export async function registerConsoleDeveloperRoutes(
  app: FastifyInstance,
  options: ConsoleDeveloperOptions,
): Promise<void> {
  const { deps, csrf } = options;

  /**
   * The signed-in owner's frame (and, for a form, its CSRF token checked); otherwise null,
   * the reply sent.
   */
  async function owner(request: FastifyRequest, reply: FastifyReply, form = false) {
    const f = await options.frameOf(request, reply);
    if (!f) return answered(reply.redirect('/console/login', 303));
    const refuse = (message: string) =>
      answered(sendMessagePage(reply, 403, 'Not allowed', message));
    if (
      !permits({ role: f.user.role, refundLimit: f.user.refund_limit }, { kind: 'manage' }).allowed
    ) {
      return refuse('Only an owner of the account can see this.');
    }
    const body = (request.body ?? {}) as Form;
    if (form && !csrf.verify(request, `console:${f.user.id}`, body.csrf_token)) {
      return refuse('This form expired or was not sent from the console.');
    }
    return { f, body, tenant: { accountId: f.account.id, mode: f.mode } satisfies Tenant };
  }

  async function overview(
    reply: FastifyReply,
    f: ConsoleFrame,
    tenant: Tenant,
    created?: Awaited<ReturnType<typeof createApiKey>>,
  ) {
    const [keys, endpoints] = await Promise.all([
      listApiKeys(deps, tenant, { limit: 100 }),
      listWebhookEndpoints(deps, tenant, { limit: 100 }),
    ]);
    return sendPage(reply, created ? 201 : 200, (nonce) =>
      renderDevelopers({ frame: f, nonce, keys: keys.items, endpoints: endpoints.items, created }),
    );
  }

  app.get('/console/developers', async (request, reply) => {
    const o = await owner(request, reply);
    if (!o) return reply;
    return overview(reply, o.f, o.tenant);
  });

  app.post('/console/developers/keys', async (request, reply) => {
    const o = await owner(request, reply, true);
    if (!o) return reply;
    const raw = o.body.name;
    const name =
      typeof raw === 'string' && raw.trim() !== '' ? raw.trim().slice(0, 100) : undefined;
    const created = await createApiKey(deps, o.tenant, { name });
    reply.header('cache-control', 'no-store');
    return overview(reply, o.f, o.tenant, created);
  });

  app.post('/console/developers/keys/:key_id/revoke', async (request, reply) => {
    const o = await owner(request, reply, true);
    if (!o) return reply;
    const { key_id: id } = request.params as { key_id: string };
    const revoked = KEY_ID.test(id) ? await revokeApiKey(deps, o.tenant, id) : null;
    if (!revoked?.ok)
      return sendMessagePage(reply, 404, 'Key not found', `No key ${id} in ${o.f.mode} mode.`);
    return reply.redirect(`/console/developers?mode=${o.f.mode}`, 303);
  });

  app.get('/console/developers/webhooks/:endpoint_id', async (request, reply) => {
    const o = await owner(request, reply);
    if (!o) return reply;
    const { endpoint_id: id } = request.params as { endpoint_id: string };
    const endpoint = ENDPOINT_ID.test(id) ? await getWebhookEndpoint(deps, o.tenant, id) : null;
    const deliveries = endpoint?.ok
      ? await listWebhookDeliveries(
          { deps, tenant: o.tenant },
          { endpointId: id, filter: {}, page: { limit: 50 } },
        )
      : null;
    if (!endpoint?.ok || !deliveries?.ok) {
      return sendMessagePage(
        reply,
        404,
        'Endpoint not found',
        `No webhook endpoint ${id} in ${o.f.mode} mode.`,
      );
    }
    return sendPage(reply, 200, (nonce) =>
      renderEndpoint({
        frame: o.f,
        nonce,
        endpoint: endpoint.value,
        deliveries: deliveries.value.items,
      }),
    );
  });

  app.post('/console/developers/webhooks/:endpoint_id/redeliver', async (request, reply) => {
    const o = await owner(request, reply, true);
    if (!o) return reply;
    const { endpoint_id: id } = request.params as { endpoint_id: string };
    const eventId = o.body.event_id;
    if (!ENDPOINT_ID.test(id) || typeof eventId !== 'string' || !EVENT_ID.test(eventId)) {
      return sendMessagePage(reply, 404, 'Not found', 'No such endpoint or event.');
    }
    const sent = await redeliverEvent({ deps, tenant: o.tenant }, { eventId, endpointId: id });
    if (!sent.ok)
      return sendMessagePage(
        reply,
        sent.error.code === 'resource_missing' ? 404 : 409,
        'Not sent',
        sent.error.message,
      );
    return reply.redirect(`/console/developers/webhooks/${id}?mode=${o.f.mode}`, 303);
  });
}
