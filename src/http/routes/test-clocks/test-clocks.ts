import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import type { AnyJobKind } from '../../../app/jobs/job-kinds.js';
import type { Deps } from '../../../app/shared/deps.js';
import { advanceTestClock } from '../../../app/test-clocks/advance-test-clock.js';
import {
  createTestClock,
  deleteTestClock,
  getTestClock,
  listTestClocks,
  updateTestClock,
} from '../../../app/test-clocks/test-clocks.js';
import { TEST_CLOCK_STATUSES } from '../../../domain/test-clocks/test-clock-rules.js';
import type { Processors } from '../../../ports/payment-processor.js';
import { testClockResource } from '../../../resources/test-clock.js';
import { requireTestMode } from '../../auth.js';
import {
  FieldsBody,
  literalUnion,
  MetadataBody,
  ModeAndTimes,
  Nullable,
  Timestamp,
} from '../../schemas.js';
import { resourceRoutes } from '../resource-routes.js';

export const TestClock = Type.Object({
  test_clock_id: Type.String(),
  object: Type.Literal('test_clock'),
  name: Nullable(Type.String()),
  frozen_time: Type.String({ description: "The clock's time: its customers' now (RFC 3339)" }),
  status: literalUnion(TEST_CLOCK_STATUSES),
  advancing_to: Nullable(Type.String({ description: 'While advancing: the time it runs to' })),
  deletes_after: Type.String(),
  metadata: Type.Record(Type.String(), Type.String()),
  ...ModeAndTimes,
});
export type TestClock = Static<typeof TestClock>;

const Name = Type.String({ minLength: 1, maxLength: 256 });
const CreateTestClockBody = MetadataBody('test_clock', {
  frozen_time: Timestamp,
  name: Type.Optional(Nullable(Name)),
});
const UpdateTestClockBody = MetadataBody('test_clock', { name: Type.Optional(Nullable(Name)) });
const AdvanceTestClockBody = FieldsBody('test_clock', { frozen_time: Timestamp });

const DESCRIPTION =
  'Test mode only (a live key gets 403 test_mode_only). Customers made with `test_clock` ' +
  "live in the clock's time; advancing it runs their scheduled work due up to the new time, " +
  'in order, each step at its own time. Clocks are independent: tests can run side by side.';

/** The services an advance runs the clock's jobs with: those of a worker. */
export interface TestClockServices {
  readonly processors: Processors;
  readonly jobKinds: readonly AnyJobKind[];
}

export function registerTestClockRoutes(
  server: FastifyInstance,
  deps: Deps,
  services: TestClockServices,
): void {
  const routes = resourceRoutes(server, deps, {
    key: 'test_clock',
    path: '/v1/test_helpers/test_clocks',
    idPrefix: 'clock',
    tags: ['Test helpers'],
    schema: TestClock,
    serialize: testClockResource,
  });
  routes.create({
    summary: 'Create a test clock at a time',
    description: DESCRIPTION,
    body: CreateTestClockBody,
    run: (ctx, body) => {
      requireTestMode(ctx.caller);
      const { frozen_time, name, metadata } = body.test_clock;
      return createTestClock(ctx, { frozen_time: new Date(frozen_time), name, metadata });
    },
  });
  routes.get({
    summary: 'Retrieve a test clock',
    run: (ctx, id) => {
      requireTestMode(ctx.caller);
      return getTestClock(ctx.deps, ctx.tenant, id);
    },
  });
  routes.update({
    summary: "Change a test clock's name or metadata",
    body: UpdateTestClockBody,
    run: (ctx, id, body) => {
      requireTestMode(ctx.caller);
      return updateTestClock(ctx, { id, changes: body.test_clock });
    },
  });
  routes.remove({
    summary: 'Delete a test clock, its customers and their scheduled work',
    run: (ctx, id) => {
      requireTestMode(ctx.caller);
      return deleteTestClock(ctx, { id });
    },
  });
  routes.list({
    summary: 'List test clocks, newest first',
    filters: {},
    run: (ctx, _query, page) => {
      requireTestMode(ctx.caller);
      return listTestClocks(ctx.deps, ctx.tenant, {}, page);
    },
  });
  routes.action('advance', {
    summary: 'Advance a test clock, running what falls due on the way',
    description:
      'Moves the clock to `frozen_time` (later than its own, at most five years on): every ' +
      "job of the clock's customers due up to it runs in due order, each seeing its own time " +
      '(renewals, trial ends, retries, reminders), and the answer is the clock once `ready`. ' +
      'Events `test_helpers.test_clock.advancing` then `.ready`. A second advance while one ' +
      'runs is 409 test_clock_state_invalid.',
    body: AdvanceTestClockBody,
    run: (ctx, id, body) => {
      requireTestMode(ctx.caller);
      const frozenTime = new Date(body.test_clock.frozen_time);
      return advanceTestClock({ ...ctx, ...services }, { id, frozenTime });
    },
  });
}
