import type { FastifyInstance } from 'fastify';
import { subscriptionRecord } from '../../../app/console/console-subscriptions.js';
import type { ChangeContext } from '../../../app/shared/command-context.js';
import { idPattern } from '../../../app/shared/ids.js';
import {
  changeSubscription,
  previewSubscriptionChange,
  type SubscriptionChangeInput,
} from '../../../app/subscriptions/change-subscription.js';
import {
  cancelAtPeriodEnd,
  cancelSubscription,
  pauseCollection,
  reactivateSubscription,
  resumeCollection,
  resumeSubscription,
} from '../../../app/subscriptions/subscription-actions.js';
import {
  getSubscription,
  listSubscriptions,
} from '../../../app/subscriptions/subscription-views.js';
import { permits } from '../../../domain/console-roles.js';
import type { Result } from '../../../domain/errors.js';
import {
  PAUSE_BEHAVIORS,
  type PauseBehavior,
  SUBSCRIPTION_STATUSES,
  type SubscriptionStatus,
} from '../../../domain/subscriptions/subscription-values.js';
import type { ConsoleFrame } from '../../../pages/console-frame.js';
import {
  renderSubscription,
  renderSubscriptionChange,
  renderSubscriptions,
} from '../../../pages/console-subscription-pages.js';
import type { Processors } from '../../../ports/payment-processor.js';
import type { Form } from '../../form-fields.js';
import { sendMessagePage, sendPage } from '../../page-reply.js';
import { type OperatorForms, operatorForm, refused } from './console-forms.js';

const SUBSCRIPTION_ID = new RegExp(idPattern('sub'));
const PLAN_ID = new RegExp(idPattern('plan'));
const STATUSES = new Set<string>(SUBSCRIPTION_STATUSES);
const BEHAVIORS = new Set<string>(PAUSE_BEHAVIORS);
const PAGE_SIZE = 25;

/** A form the console does not send (a field it never offers, a move not the user's). */
interface Refusal {
  readonly refused: string;
  readonly status: number;
}

type Act = (
  ctx: ChangeContext,
  input: {
    readonly id: string;
    readonly form: Form;
    readonly f: ConsoleFrame;
    readonly processors: Processors;
  },
) => Promise<Result<unknown>> | Refusal;

/**
 * The moves the subscription's page offers (its `available_actions` decide which show; the
 * command decides again). A form's own fields are read here: pause's behavior, and cancel's
 * credit of the unused time, which moves money to the customer and so is an owner's.
 */
const ACTIONS: Readonly<Record<string, Act>> = {
  cancel: (ctx, { id, form, f }) => {
    const prorate = form.prorate === 'true';
    const permission = permits({ role: f.user.role, refundLimit: null }, { kind: 'manage' });
    if (prorate && !permission.allowed) return { refused: permission.reason, status: 403 };
    return cancelSubscription(ctx, { id, prorate });
  },
  cancel_at_period_end: (ctx, { id }) => cancelAtPeriodEnd(ctx, { id }),
  reactivate: (ctx, { id }) => reactivateSubscription(ctx, { id }),
  pause_collection: (ctx, { id, form }) =>
    typeof form.behavior === 'string' && BEHAVIORS.has(form.behavior)
      ? pauseCollection(ctx, { id, input: { behavior: form.behavior as PauseBehavior } })
      : { refused: 'Choose void or keep_as_draft.', status: 422 },
  resume_collection: (ctx, { id }) => resumeCollection(ctx, { id }),
  resume: (ctx, { id }) => resumeSubscription(ctx, { id }),
  change: (ctx, { id, form, processors }) => {
    const input = changeOf(form);
    if (!input) return { refused: 'Give each plan 1 to 100000 seats.', status: 422 };
    const date = Number(form.proration_date);
    const version = Number(form.subscription_version);
    return changeSubscription(
      { ...ctx, processors, requestKey: null },
      {
        id,
        input: {
          ...input,
          ...(Number.isSafeInteger(date) && date > 0 ? { proration_date: date } : {}),
          ...(Number.isSafeInteger(version) && version > 0
            ? { subscription_version: version }
            : {}),
        },
      },
    );
  },
};

/** The seats a form asks for (`seats.<plan_id>` fields): a change's items; null when invalid. */
function changeOf(form: Form): SubscriptionChangeInput | null {
  const items = Object.entries(form).flatMap(([name, value]) => {
    if (!name.startsWith('seats.') || typeof value !== 'string') return [];
    const quantity = Number(value);
    const planId = name.slice('seats.'.length);
    return PLAN_ID.test(planId) &&
      Number.isInteger(quantity) &&
      quantity >= 1 &&
      quantity <= 100_000
      ? [{ plan_id: planId, quantity }]
      : [{ plan_id: '', quantity: 0 }];
  });
  if (items.length === 0 || items.some((i) => i.quantity === 0)) return null;
  return { items };
}

/**
 * Subscriptions in the console: the list (filter by status), one subscription's page, and
 * its moves as forms (CSRF-checked, not for viewers; the console user is the actor).
 */
export async function registerConsoleSubscriptionRoutes(
  app: FastifyInstance,
  options: OperatorForms & { readonly processors: Processors },
): Promise<void> {
  const { deps, frameOf, processors } = options;
  const tenantOf = (f: ConsoleFrame) => ({ accountId: f.account.id, mode: f.mode });

  app.get('/console/subscriptions', async (request, reply) => {
    const f = await frameOf(request, reply);
    if (!f) return reply.redirect('/console/login', 303);
    const query = request.query as Record<string, unknown>;
    const status =
      typeof query.status === 'string' && STATUSES.has(query.status) ? query.status : '';
    const after =
      typeof query.starting_after === 'string' && SUBSCRIPTION_ID.test(query.starting_after)
        ? query.starting_after
        : undefined;
    const page = await listSubscriptions(
      deps,
      tenantOf(f),
      { status: (status || undefined) as SubscriptionStatus | undefined },
      { limit: PAGE_SIZE, startingAfter: after },
    );
    return sendPage(reply, 200, (nonce) =>
      renderSubscriptions({
        frame: f,
        nonce,
        status,
        subscriptions: page.items,
        nextCursor: page.nextCursor,
      }),
    );
  });

  app.get('/console/subscriptions/:subscription_id', async (request, reply) => {
    const f = await frameOf(request, reply);
    if (!f) return reply.redirect('/console/login', 303);
    const { subscription_id: id } = request.params as { subscription_id: string };
    const record = SUBSCRIPTION_ID.test(id)
      ? await subscriptionRecord(deps, tenantOf(f), id)
      : null;
    if (!record) {
      return sendMessagePage(
        reply,
        404,
        'Subscription not found',
        `No subscription ${id} in ${f.mode} mode.`,
      );
    }
    const mayAct = f.user.role !== 'viewer';
    return sendPage(reply, 200, (nonce) => renderSubscription({ frame: f, nonce, record, mayAct }));
  });

  app.get('/console/subscriptions/:subscription_id/change', async (request, reply) => {
    const f = await frameOf(request, reply);
    if (!f) return reply.redirect('/console/login', 303);
    const { subscription_id: id } = request.params as { subscription_id: string };
    const input = changeOf(request.query as Form);
    const found = SUBSCRIPTION_ID.test(id) ? await getSubscription(deps, tenantOf(f), id) : null;
    if (!found?.ok) {
      return sendMessagePage(
        reply,
        404,
        'Subscription not found',
        `No subscription ${id} in ${f.mode} mode.`,
      );
    }
    if (!input)
      return sendMessagePage(reply, 422, 'Cannot change', 'Give each plan 1 to 100000 seats.');
    const ctx = {
      deps,
      tenant: tenantOf(f),
      actor: { type: 'console_user' as const, id: f.user.id },
    };
    const preview = await previewSubscriptionChange(ctx, { id, input });
    if (!preview.ok) return sendMessagePage(reply, 409, 'Cannot change', preview.error.message);
    const seats = Object.fromEntries(input.items.map((i) => [i.plan_id, i.quantity ?? 1]));
    return sendPage(reply, 200, (nonce) =>
      renderSubscriptionChange({
        frame: f,
        nonce,
        subscription: found.value,
        seats,
        preview: preview.value,
      }),
    );
  });

  app.post('/console/subscriptions/:subscription_id/:action', async (request, reply) => {
    const posted = await operatorForm(options, request, reply);
    if (!posted) return reply;
    const { f, form, ctx } = posted;
    const { subscription_id: id, action } = request.params as {
      subscription_id: string;
      action: string;
    };
    const act = Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined;
    if (!act || !SUBSCRIPTION_ID.test(id)) {
      return refused(reply, `No subscription ${id} or action ${action} in ${f.mode} mode.`, 404);
    }
    const done = act(ctx, { id, form, f, processors });
    if ('refused' in done) return refused(reply, done.refused, done.status);
    const result = await done;
    if (!result.ok) {
      const status = result.error.code === 'resource_missing' ? 404 : 409;
      return refused(reply, result.error.message, status);
    }
    return reply.redirect(`/console/subscriptions/${id}?mode=${f.mode}`, 303);
  });
}
