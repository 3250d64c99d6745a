import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { WebhookEndpointRow } from '../../../adapters/db/schema-webhooks.js';
import type { Deps } from '../../../app/shared/deps.js';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookEndpoints,
  rotateWebhookEndpointSecret,
  updateWebhookEndpoint,
  type WebhookServices,
} from '../../../app/webhooks/webhook-endpoints.js';
import { webhookEndpointResource } from '../../../resources/webhook-endpoint.js';
import { ActionBody } from '../../schemas.js';
import { ofCaller, resourceRoutes } from '../resource-routes.js';
import {
  CreateWebhookEndpointBody,
  UpdateWebhookEndpointBody,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
} from './webhook-schemas.js';

const tags = ['Webhook endpoints'];
const EndpointWithSecretResponse = Type.Object({ webhook_endpoint: WebhookEndpointWithSecret });
// A replayed response leaves the secret out: it is shown exactly once.
const secretFields = [['webhook_endpoint', 'secret']] as const;

export function registerWebhookEndpointRoutes(
  server: FastifyInstance,
  deps: Deps,
  services: WebhookServices,
): void {
  const routes = resourceRoutes(server, deps, {
    key: 'webhook_endpoint',
    idPrefix: 'we',
    tags,
    schema: WebhookEndpoint,
    serialize: webhookEndpointResource,
  });
  const withSecret = ({ endpoint, secret }: { endpoint: WebhookEndpointRow; secret: string }) => ({
    webhook_endpoint: { ...webhookEndpointResource(endpoint), secret },
  });
  routes.createAnswering({
    config: { secretFields },
    summary: 'Create a webhook endpoint (its signing secret is shown once)',
    description:
      'Deliveries follow Standard Webhooks: webhook-id (the event id), webhook-timestamp and webhook-signature headers; verify them with the secret.',
    body: CreateWebhookEndpointBody,
    response: EndpointWithSecretResponse,
    run: (ctx, body) => createWebhookEndpoint({ ...ctx, services }, body.webhook_endpoint),
    answer: withSecret,
  });
  routes.list({
    summary: 'List webhook endpoints, newest first',
    filters: {},
    run: ({ deps, caller }, _query, page) => listWebhookEndpoints(deps, caller, page),
  });
  routes.get({ summary: 'Retrieve a webhook endpoint', run: ofCaller(getWebhookEndpoint) });
  routes.update({
    summary: 'Update a webhook endpoint: url, enabled_events, disabled, description, metadata',
    body: UpdateWebhookEndpointBody,
    run: (ctx, id, body) =>
      updateWebhookEndpoint({ ...ctx, services }, { id, changes: body.webhook_endpoint }),
  });
  routes.remove({
    summary: 'Delete a webhook endpoint (its pending deliveries are not sent)',
    run: ofCaller(deleteWebhookEndpoint),
  });
  routes.actionAnswering('rotate_secret', {
    config: { secretFields },
    summary: 'Replace the signing secret (the new one is shown once)',
    description:
      'For 24 hours deliveries carry two signatures, one with each secret, so receivers can switch without missing any.',
    body: ActionBody,
    response: EndpointWithSecretResponse,
    run: (ctx, id) => rotateWebhookEndpointSecret({ ...ctx, services }, { id }),
    answer: withSecret,
  });
}
