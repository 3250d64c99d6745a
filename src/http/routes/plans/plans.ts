import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { getPlanVersion, listPlanVersions } from '../../../app/plans/plan-versions.js';
import { createPlan, getPlan, listPlans, updatePlan } from '../../../app/plans/plans.js';
import type { Deps } from '../../../app/shared/deps.js';
import { planResource, planVersionResource } from '../../../resources/plan.js';
import { commandContextOf } from '../../auth.js';
import { unwrap } from '../../errors.js';
import { listBody, pageRequestOf } from '../../pagination.js';
import { ErrorResponses, Id, ListQuery, ListResponse } from '../../schemas.js';
import { ofCaller, resourceRoutes } from '../resource-routes.js';
import { CreatePlanBody, Plan, PlanVersion, UpdatePlanBody } from './plan-schemas.js';

const tags = ['Plans'];
const PlanParams = Type.Object({ plan_id: Id('plan') }, { additionalProperties: false });
const VersionParams = Type.Object(
  { plan_id: Id('plan'), version: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) },
  { additionalProperties: false },
);

export function registerPlanRoutes(server: FastifyInstance, deps: Deps): void {
  const routes = resourceRoutes(server, deps, {
    key: 'plan',
    idPrefix: 'plan',
    tags,
    schema: Plan,
    serialize: planResource,
  });
  routes.create({
    summary: 'Create a plan: recurring lines on one interval, a template for subscriptions',
    body: CreatePlanBody,
    run: (ctx, body) => createPlan(ctx, body.plan),
  });
  routes.get({ summary: 'Retrieve a plan (its current version)', run: ofCaller(getPlan) });
  routes.update({
    summary: 'Update a plan: a change of its terms makes a new version',
    body: UpdatePlanBody,
    run: (ctx, id, body) => updatePlan(ctx, { id, changes: body.plan }),
  });
  routes.list({
    summary: 'List plans, newest first',
    filters: { active: Type.Optional(Type.Boolean()) },
    run: async (ctx, { active }, page) => listPlans(ctx, { filter: { active }, page }),
  });

  server.get(
    '/v1/plans/:plan_id/versions',
    {
      schema: {
        tags,
        summary: "A plan's versions, newest first: each as it was made, never changed",
        params: PlanParams,
        querystring: ListQuery('planv', {}),
        response: { 200: ListResponse('plan_versions', PlanVersion), ...ErrorResponses },
      },
    },
    async (request) => {
      const { plan_id } = request.params as { plan_id: string };
      const page = unwrap(
        await listPlanVersions(commandContextOf(request, deps), {
          filter: { planId: plan_id },
          page: pageRequestOf(request.query as Parameters<typeof pageRequestOf>[0]),
        }),
      );
      return listBody('plan_versions', page, planVersionResource);
    },
  );
  server.get(
    '/v1/plans/:plan_id/versions/:version',
    {
      schema: {
        tags,
        summary: 'Retrieve one version of a plan',
        params: VersionParams,
        response: { 200: Type.Object({ plan_version: PlanVersion }), ...ErrorResponses },
      },
    },
    async (request) => {
      const { plan_id, version } = request.params as { plan_id: string; version: number };
      const row = unwrap(
        await getPlanVersion(commandContextOf(request, deps), { planId: plan_id, version }),
      );
      return { plan_version: planVersionResource(row) };
    },
  );
}
