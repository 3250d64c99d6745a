import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Deps } from '../../../app/shared/deps.js';
import { idPattern } from '../../../app/shared/ids.js';
import { listWebhookDeliveries, redeliverEvent } from '../../../app/webhooks/webhook-deliveries.js';
import { webhookDeliveryResource } from '../../../resources/webhook-delivery.js';
import { commandContextOf } from '../../auth.js';
import { unwrap } from '../../errors.js';
import { listBody, pageRequestOf } from '../../pagination.js';
import { ErrorResponses, Id, IdempotencyKey, ListQuery, ListResponse } from '../../schemas.js';
import { WebhookDelivery, WebhookEndpointParams } from './webhook-schemas.js';

const tags = ['Webhook endpoints'];

const DeliveriesQuery = ListQuery('wdl', {
  event_id: Type.Optional(Id('evt')),
});
const EventParams = Type.Object({ event_id: Id('evt') }, { additionalProperties: false });
const RedeliverBody = Type.Object(
  {
    redelivery: Type.Optional(
      Type.Object(
        {
          webhook_endpoint_id: Type.Optional(
            Type.String({
              pattern: idPattern('we'),
              description:
                'Only to this endpoint (enabled, subscribed or not); by default to every enabled endpoint subscribed to the event type',
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    idempotency_key: Type.Optional(IdempotencyKey),
  },
  { additionalProperties: false },
);

export function registerWebhookDeliveryRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/v1/webhook_endpoints/:webhook_endpoint_id/deliveries',
    {
      schema: {
        tags,
        summary: "An endpoint's delivery log, newest first, with every attempt",
        params: WebhookEndpointParams,
        querystring: DeliveriesQuery,
        response: { 200: ListResponse('webhook_deliveries', WebhookDelivery), ...ErrorResponses },
      },
    },
    async (request) => {
      const { webhook_endpoint_id: id } = request.params;
      const page = unwrap(
        await listWebhookDeliveries(commandContextOf(request, deps), {
          endpointId: id,
          filter: { eventId: request.query.event_id },
          page: pageRequestOf(request.query),
        }),
      );
      return listBody('webhook_deliveries', page, webhookDeliveryResource);
    },
  );

  app.post(
    '/v1/events/:event_id/redeliver',
    {
      schema: {
        tags,
        summary: 'Send an event again (same webhook-id), to one endpoint or every subscribed one',
        params: EventParams,
        body: RedeliverBody,
        response: { 200: ListResponse('webhook_deliveries', WebhookDelivery), ...ErrorResponses },
      },
    },
    async (request) => {
      const { event_id: id } = request.params;
      const endpointId = request.body.redelivery?.webhook_endpoint_id;
      const deliveries = unwrap(
        await redeliverEvent(commandContextOf(request, deps), { eventId: id, endpointId }),
      );
      return listBody(
        'webhook_deliveries',
        { items: deliveries, hasMore: false, nextCursor: null },
        webhookDeliveryResource,
      );
    },
  );
}
