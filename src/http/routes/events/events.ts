import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import {
  getEvent,
  listEvents,
  MAX_EVENT_TYPES_PER_FILTER,
} from '../../../app/events/event-queries.js';
import type { Deps } from '../../../app/shared/deps.js';
import { EVENT_TYPES } from '../../../domain/event-types.js';
import { eventResource } from '../../../resources/event.js';
import { callerOf, commandContextOf } from '../../auth.js';
import { unwrap } from '../../errors.js';
import { listBody, pageRequestOf } from '../../pagination.js';
import { ErrorResponses, Id, ListQuery, ListResponse, Timestamp } from '../../schemas.js';

const AnyObject = Type.Record(Type.String(), Type.Unknown());

export const Event = Type.Object({
  event_id: Type.String(),
  object: Type.Literal('event'),
  type: Type.String({ description: `One of: ${EVENT_TYPES.join(', ')}` }),
  account_id: Type.String(),
  test_mode: Type.Boolean(),
  created_at: Timestamp,
  object_id: Type.String({
    description: 'The object the event is about (`ord_…`, `pi_…`, `re_…`, `cs_…`, …)',
  }),
  sequence: Type.Integer({
    minimum: 1,
    description:
      "The event's number among its object's events: 1 for the object's first, then one more for each, in the order they were recorded. Keep the highest seen per `object_id` and drop an event whose `sequence` is not higher: it arrived after a newer one",
  }),
  data: Type.Object({
    object: Type.Unsafe<Record<string, unknown>>({
      ...AnyObject,
      description: 'The object as of the event, exactly as the API shows it',
    }),
    previous_attributes: Type.Optional(
      Type.Unsafe<Record<string, unknown>>({
        ...AnyObject,
        description:
          '`*.updated` events only: each top-level field that changed, with its value before (version and updated_at left out)',
      }),
    ),
  }),
});

const EventParams = Type.Object({ event_id: Id('evt') }, { additionalProperties: false });

const ListEventsQuery = ListQuery('evt', {
  type: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 1000,
      description: `An event type, or up to ${MAX_EVENT_TYPES_PER_FILTER} separated by commas (\`order.paid,refund.created\`)`,
    }),
  ),
  object_id: Type.Optional(
    Type.String({
      pattern: '^[a-z]+_[0-7][0-9a-hjkmnp-tv-z]{25}$',
      description: 'Only events about this object (`ord_…`, `pi_…`, `re_…`, `cs_…`)',
    }),
  ),
  created_after: Type.Optional({
    ...Timestamp,
    description: 'Only events created after this instant (exclusive)',
  }),
  created_before: Type.Optional({
    ...Timestamp,
    description: 'Only events created before this instant (exclusive)',
  }),
});

const tags = ['Events'];

export function registerEventRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/v1/events',
    {
      schema: {
        tags,
        summary: 'List events, newest first',
        querystring: ListEventsQuery,
        response: { 200: ListResponse('events', Event), ...ErrorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const page = unwrap(
        await listEvents(commandContextOf(request, deps), {
          filter: {
            type: q.type,
            objectId: q.object_id,
            createdAfter: q.created_after === undefined ? undefined : new Date(q.created_after),
            createdBefore: q.created_before === undefined ? undefined : new Date(q.created_before),
          },
          page: pageRequestOf(q),
        }),
      );
      return listBody('events', page, eventResource);
    },
  );

  app.get(
    '/v1/events/:event_id',
    {
      schema: {
        tags,
        summary: 'Retrieve an event',
        params: EventParams,
        response: { 200: Type.Object({ event: Event }), ...ErrorResponses },
      },
    },
    async (request) => ({
      event: eventResource(
        unwrap(await getEvent(deps, callerOf(request), request.params.event_id)),
      ),
    }),
  );
}
