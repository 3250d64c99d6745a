import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
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
import { callerOf } from '../../auth.js';
import { unwrap } from '../../errors.js';
import { listBody, pageRequestOf } from '../../pagination.js';
import { ActionBody, ErrorResponses, ListQuery, ListResponse } from '../../schemas.js';
import {
  CreateWebhookEndpointBody,
  UpdateWebhookEndpointBody,
  WebhookEndpoint,
  WebhookEndpointParams,
  WebhookEndpointWithSecret,
} from './webhook-schemas.js';

const tags = ['Webhook endpoints'];
const EndpointResponse = Type.Object({ webhook_endpoint: WebhookEndpoint });
const EndpointWithSecretResponse = Type.Object({ webhook_endpoint: WebhookEndpointWithSecret });
const DeletedEndpointResponse = Type.Object({
  webhook_endpoint: Type.Object({
    webhook_endpoint_id: Type.String(),
    object: Type.Literal('webhook_endpoint'),
    deleted: Type.Literal(true),
  }),
});
// A replayed response leaves the secret out: it is shown exactly once.
const secretFields = [['webhook_endpoint', 'secret']] as const;

export function registerWebhookEndpointRoutes(
  server: FastifyInstance,
  deps: Deps,
  services: WebhookServices,
): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/v1/webhook_endpoints',
    {
      config: { secretFields },
      schema: {
        tags,
        summary: 'Create a webhook endpoint (its signing secret is shown once)',
        description:
          'Deliveries follow Standard Webhooks: webhook-id (the event id), webhook-timestamp and webhook-signature headers; verify them with the secret.',
        body: CreateWebhookEndpointBody,
        response: { 200: EndpointWithSecretResponse, ...ErrorResponses },
      },
    },
    async (request) => {
      const { webhook_endpoint: input } = request.body;
      const created = unwrap(await createWebhookEndpoint(deps, services, callerOf(request), input));
      return {
        webhook_endpoint: { ...webhookEndpointResource(created.endpoint), secret: created.secret },
      };
    },
  );

  app.get(
    '/v1/webhook_endpoints',
    {
      schema: {
        tags,
        summary: 'List webhook endpoints, newest first',
        querystring: ListQuery('we', {}),
        response: { 200: ListResponse('webhook_endpoints', WebhookEndpoint), ...ErrorResponses },
      },
    },
    async (request) => {
      const page = await listWebhookEndpoints(
        deps,
        callerOf(request),
        pageRequestOf(request.query),
      );
      return listBody('webhook_endpoints', page, webhookEndpointResource);
    },
  );

  app.get(
    '/v1/webhook_endpoints/:webhook_endpoint_id',
    {
      schema: {
        tags,
        summary: 'Retrieve a webhook endpoint',
        params: WebhookEndpointParams,
        response: { 200: EndpointResponse, ...ErrorResponses },
      },
    },
    async (request) => {
      const { webhook_endpoint_id: id } = request.params;
      const row = unwrap(await getWebhookEndpoint(deps, callerOf(request), id));
      return { webhook_endpoint: webhookEndpointResource(row) };
    },
  );

  app.patch(
    '/v1/webhook_endpoints/:webhook_endpoint_id',
    {
      schema: {
        tags,
        summary: 'Update a webhook endpoint: url, enabled_events, disabled, description, metadata',
        params: WebhookEndpointParams,
        body: UpdateWebhookEndpointBody,
        response: { 200: EndpointResponse, ...ErrorResponses },
      },
    },
    async (request) => {
      const { webhook_endpoint_id: id } = request.params;
      const { webhook_endpoint: input } = request.body;
      const row = unwrap(await updateWebhookEndpoint(deps, services, callerOf(request), id, input));
      return { webhook_endpoint: webhookEndpointResource(row) };
    },
  );

  app.delete(
    '/v1/webhook_endpoints/:webhook_endpoint_id',
    {
      schema: {
        tags,
        summary: 'Delete a webhook endpoint (its pending deliveries are not sent)',
        params: WebhookEndpointParams,
        response: { 200: DeletedEndpointResponse, ...ErrorResponses },
      },
    },
    async (request) => {
      const { webhook_endpoint_id: id } = request.params;
      const row = unwrap(await deleteWebhookEndpoint(deps, callerOf(request), id));
      return {
        webhook_endpoint: {
          webhook_endpoint_id: row.id,
          object: 'webhook_endpoint' as const,
          deleted: true as const,
        },
      };
    },
  );

  app.post(
    '/v1/webhook_endpoints/:webhook_endpoint_id/rotate_secret',
    {
      config: { secretFields },
      schema: {
        tags,
        summary: 'Replace the signing secret (the new one is shown once)',
        description:
          'For 24 hours deliveries carry two signatures, one with each secret, so receivers can switch without missing any.',
        params: WebhookEndpointParams,
        body: ActionBody,
        response: { 200: EndpointWithSecretResponse, ...ErrorResponses },
      },
    },
    async (request) => {
      const { webhook_endpoint_id: id } = request.params;
      const rotated = unwrap(
        await rotateWebhookEndpointSecret(deps, services, callerOf(request), id),
      );
      return {
        webhook_endpoint: { ...webhookEndpointResource(rotated.endpoint), secret: rotated.secret },
      };
    },
  );
}
