import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Deps } from '../../../app/shared/deps.js';
import {
  changeSubscription,
  previewSubscriptionChange,
} from '../../../app/subscriptions/change-subscription.js';
import { createSubscription } from '../../../app/subscriptions/create-subscription.js';
import {
  cancelAtPeriodEnd,
  cancelSubscription,
  pauseCollection,
  reactivateSubscription,
  resumeCollection,
  resumeSubscription,
  updateSubscription,
} from '../../../app/subscriptions/subscription-actions.js';
import {
  getSubscriptionSettings,
  type SubscriptionSettings as Settings,
  updateSubscriptionSettings,
} from '../../../app/subscriptions/subscription-settings.js';
import {
  getSubscription,
  listSubscriptions,
} from '../../../app/subscriptions/subscription-views.js';
import { upcomingInvoice } from '../../../app/subscriptions/upcoming-invoice.js';
import type { Tenant } from '../../../domain/tenant.js';
import type { Processors } from '../../../ports/payment-processor.js';
import { subscriptionResource } from '../../../resources/subscription.js';
import { upcomingInvoiceResource } from '../../../resources/upcoming-invoice.js';
import { callerOf } from '../../auth.js';
import { unwrap } from '../../errors.js';
import { ActionBody, ErrorResponses, Id } from '../../schemas.js';
import { baseUrl } from '../checkout/checkout-sessions.js';
import { ofCaller, resourceRoutes } from '../resource-routes.js';
import {
  CancelSubscriptionBody,
  CreateSubscriptionBody,
  PauseCollectionBody,
  Subscription,
  SubscriptionChangeBody,
  SubscriptionSettings,
  SubscriptionStatus,
  UpcomingInvoice,
  UpdateSubscriptionBody,
  UpdateSubscriptionSettingsBody,
} from './subscription-schemas.js';

const tags = ['Subscriptions'];

/**
 * Subscriptions: created (paying the first period now, or with a trial), read, listed,
 * updated, and moved by the actions their `available_actions` list; the next invoice
 * previewed.
 */
export function registerSubscriptionRoutes(
  server: FastifyInstance,
  deps: Deps,
  processors: Processors,
): void {
  const routes = resourceRoutes(server, deps, {
    key: 'subscription',
    idPrefix: 'sub',
    tags,
    schema: Subscription,
    serialize: subscriptionResource,
  });
  routes.create({
    summary: 'Create a subscription',
    body: CreateSubscriptionBody,
    run: (ctx, body, answer) =>
      createSubscription({ ...ctx, processors }, body.subscription, {
        answer,
        baseUrl: baseUrl(deps, ctx.request),
      }),
  });
  routes.get({ summary: 'Retrieve a subscription', run: ofCaller(getSubscription) });
  routes.update({
    summary: "Change a subscription's payment method, cancel at period end, or metadata",
    body: UpdateSubscriptionBody,
    run: (ctx, id, body) => updateSubscription(ctx, { id, changes: body.subscription }),
  });
  routes.list({
    summary: 'List subscriptions, newest first',
    filters: { status: Type.Optional(SubscriptionStatus), customer_id: Type.Optional(Id('cus')) },
    run: ({ deps: d, tenant }, { status, customer_id }, page) =>
      listSubscriptions(d, tenant, { status, customer_id }, page),
  });
  routes.action('cancel', {
    summary:
      "Cancel now: no period is billed again (open invoices stay open); `prorate` credits the unused time to the customer's balance",
    body: CancelSubscriptionBody,
    run: (ctx, id, body) => cancelSubscription(ctx, { id, prorate: body.prorate }),
  });
  routes.action('change', {
    summary:
      'Change plans or seats: the unused time is credited, the time left on the new terms billed and charged now (proration)',
    body: SubscriptionChangeBody,
    run: (ctx, id, body) =>
      changeSubscription({ ...ctx, processors }, { id, input: body.subscription_change }),
  });
  routes.actionAnswering('preview', {
    summary:
      'Preview a change: the invoice it would bill now and its `proration_date`, written nowhere',
    body: SubscriptionChangeBody,
    response: Type.Object({ upcoming_invoice: UpcomingInvoice }),
    run: (ctx, id, body) => previewSubscriptionChange(ctx, { id, input: body.subscription_change }),
    answer: (view) => ({ upcoming_invoice: upcomingInvoiceResource(view) }),
  });
  routes.action('cancel_at_period_end', {
    summary: 'Cancel at the end of the current period',
    body: ActionBody,
    run: (ctx, id) => cancelAtPeriodEnd(ctx, { id }),
  });
  routes.action('reactivate', {
    summary: 'Undo a cancel at period end: the subscription renews again',
    body: ActionBody,
    run: (ctx, id) => reactivateSubscription(ctx, { id }),
  });
  routes.action('pause_collection', {
    summary:
      'Pause collection (the status stays): periods are not invoiced (`void`) or their invoices kept as drafts',
    body: PauseCollectionBody,
    run: (ctx, id, body) => pauseCollection(ctx, { id, input: body.pause_collection }),
  });
  routes.action('resume_collection', {
    summary: 'Resume paused collection',
    body: ActionBody,
    run: (ctx, id) => resumeCollection(ctx, { id }),
  });
  routes.action('resume', {
    summary:
      'Resume a paused subscription (a trial that ended without a payment method): a new cycle starts now, billed and charged at once',
    body: ActionBody,
    run: (ctx, id) => resumeSubscription(ctx, { id }),
  });
  server.get(
    '/v1/subscriptions/:subscription_id/upcoming_invoice',
    {
      schema: {
        tags,
        summary: "Preview the subscription's next invoice, as its renewal would bill it now",
        params: Type.Object({ subscription_id: Id('sub') }, { additionalProperties: false }),
        response: { 200: Type.Object({ upcoming_invoice: UpcomingInvoice }), ...ErrorResponses },
      },
    },
    async (request) => {
      const { subscription_id: id } = request.params as { subscription_id: string };
      const view = unwrap(await upcomingInvoice({ deps, tenant: callerOf(request) }, { id }));
      return { upcoming_invoice: upcomingInvoiceResource(view) };
    },
  );
  registerSubscriptionSettingsRoutes(server, deps);
}

const settingsAnswer = (settings: Settings, tenant: Tenant) => ({
  subscription_settings: {
    object: 'subscription_settings' as const,
    ...settings,
    retry_days: [...settings.retry_days],
    test_mode: tenant.mode === 'test',
  },
});

/** The account's dunning and trial settings, per mode. */
function registerSubscriptionSettingsRoutes(server: FastifyInstance, deps: Deps): void {
  const answer = Type.Object({ subscription_settings: SubscriptionSettings });
  server.get(
    '/v1/subscription_settings',
    {
      schema: {
        tags,
        summary: 'Retrieve the subscription settings (dunning, trials, notices)',
        response: { 200: answer, ...ErrorResponses },
      },
    },
    async (request) => {
      const tenant = callerOf(request);
      return settingsAnswer(await getSubscriptionSettings({ deps, tenant }), tenant);
    },
  );
  server.post(
    '/v1/subscription_settings',
    {
      schema: {
        tags,
        summary: 'Change the subscription settings; what is not given stays',
        body: UpdateSubscriptionSettingsBody,
        response: { 200: answer, ...ErrorResponses },
      },
    },
    async (request) => {
      const tenant = callerOf(request);
      const body = request.body as { subscription_settings: Partial<Settings> };
      const next = unwrap(
        await updateSubscriptionSettings({ deps, tenant }, body.subscription_settings),
      );
      return settingsAnswer(next, tenant);
    },
  );
}
