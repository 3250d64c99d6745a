import { Type } from 'typebox';
import { SUBSCRIBABLE_EVENTS } from '../../../domain/event-types.js';
import {
  WEBHOOK_DELIVERY_STATUSES,
  WEBHOOK_DISABLED_REASONS,
  WEBHOOK_ENDPOINT_STATUSES,
} from '../../../domain/value-lists.js';
import { WEBHOOK_URL_MAX_LENGTH } from '../../../domain/webhook-url.js';
import {
  Fields,
  FieldsBody,
  Id,
  literalUnion,
  Metadata,
  MetadataBody,
  ModeAndTimes,
  Nullable,
  Timestamp,
} from '../../schemas.js';

const Url = Type.String({
  minLength: 1,
  maxLength: WEBHOOK_URL_MAX_LENGTH,
  description:
    'http or https, without credentials. In live mode it must reach a public address (checked again at every delivery); test mode also allows local addresses.',
});
const EnabledEvents = Type.Array(Type.Enum([...SUBSCRIBABLE_EVENTS]), {
  minItems: 1,
  maxItems: SUBSCRIBABLE_EVENTS.length,
  uniqueItems: true,
  description: 'The event types sent to this endpoint; `["*"]` for every type.',
});
const Description = Type.String({ maxLength: 1000 });

export const WebhookEndpoint = Type.Object({
  webhook_endpoint_id: Type.String(),
  object: Type.Literal('webhook_endpoint'),
  url: Type.String(),
  enabled_events: Type.Array(Type.String()),
  description: Nullable(Type.String()),
  metadata: Type.Record(Type.String(), Type.String()),
  status: literalUnion(WEBHOOK_ENDPOINT_STATUSES),
  disabled_reason: Nullable(
    literalUnion(WEBHOOK_DISABLED_REASONS, {
      description:
        'requested (through the API), gone (it answered 410), failing (every attempt failed for days)',
    }),
  ),
  failing_since: Nullable(Timestamp),
  previous_secret_expires_at: Nullable(
    Type.String({
      format: 'date-time',
      description:
        'Until then, deliveries are also signed with the secret before the last rotation',
    }),
  ),
  ...ModeAndTimes,
});

export const WebhookEndpointWithSecret = Type.Object({
  ...WebhookEndpoint.properties,
  secret: Type.Optional(
    Type.String({
      description:
        'The signing secret (whsec_…): present only in the response that created it, never stored readable',
    }),
  ),
});

export const CreateWebhookEndpointBody = MetadataBody('webhook_endpoint', {
  url: Url,
  enabled_events: EnabledEvents,
  description: Type.Optional(Nullable(Description)),
});

export const UpdateWebhookEndpointBody = FieldsBody(
  'webhook_endpoint',
  {
    url: Type.Optional(Url),
    enabled_events: Type.Optional(EnabledEvents),
    description: Type.Optional(Nullable(Description)),
    metadata: Type.Optional(Metadata),
    disabled: Type.Optional(
      Type.Boolean({ description: 'true stops deliveries; false enables the endpoint again' }),
    ),
  },
  'Only the given fields change; null clears the description; metadata is merged ("" removes a key).',
);

export const WebhookEndpointParams = Fields({ webhook_endpoint_id: Id('we') });

export const WebhookDelivery = Type.Object({
  webhook_delivery_id: Type.String(),
  object: Type.Literal('webhook_delivery'),
  webhook_endpoint_id: Type.String(),
  event_id: Type.String({ description: 'Also the webhook-id header of every attempt' }),
  event_type: Type.String(),
  status: literalUnion(WEBHOOK_DELIVERY_STATUSES),
  attempt_count: Type.Integer(),
  next_attempt_at: Nullable(Timestamp),
  last_response_status: Nullable(Type.Integer()),
  last_error: Nullable(Type.String()),
  delivered_at: Nullable(Timestamp),
  attempts: Type.Array(
    Type.Object({
      attempt: Type.Integer(),
      url: Type.String(),
      started_at: Timestamp,
      duration_ms: Type.Integer(),
      response_status: Nullable(Type.Integer()),
      response_body: Nullable(Type.String({ description: 'The first 1 KiB of the answer' })),
      error: Nullable(Type.String()),
    }),
  ),
  ...ModeAndTimes,
});
