import type { FastifyInstance } from 'fastify';
import { listPlanVersions } from '../../../app/plans/plan-versions.js';
import { getPlan, listPlans } from '../../../app/plans/plans.js';
import type { Deps } from '../../../app/shared/deps.js';
import { idPattern } from '../../../app/shared/ids.js';
import type { ConsoleFrame } from '../../../pages/console-frame.js';
import { renderPlan, renderPlans } from '../../../pages/console-plan-pages.js';
import { sendMessagePage, sendPage } from '../../page-reply.js';
import type { FrameOf } from './console-forms.js';

const PLAN_ID = new RegExp(idPattern('plan'));
const PAGE_SIZE = 25;
/** The versions a plan's page shows, newest first. */
const VERSIONS_SHOWN = 50;

/** Plans in the console: the list and one plan with its versions (read only). */
export async function registerConsolePlanRoutes(
  app: FastifyInstance,
  { deps, frameOf }: { readonly deps: Deps; readonly frameOf: FrameOf },
): Promise<void> {
  const tenantOf = (f: ConsoleFrame) => ({ accountId: f.account.id, mode: f.mode });

  app.get('/console/plans', async (request, reply) => {
    const f = await frameOf(request, reply);
    if (!f) return reply.redirect('/console/login', 303);
    const query = request.query as Record<string, unknown>;
    const active = query.active === 'true' || query.active === 'false' ? query.active : '';
    const after =
      typeof query.starting_after === 'string' && PLAN_ID.test(query.starting_after)
        ? query.starting_after
        : undefined;
    const page = await listPlans(
      { deps, tenant: tenantOf(f) },
      {
        filter: { active: active === '' ? undefined : active === 'true' },
        page: { limit: PAGE_SIZE, startingAfter: after },
      },
    );
    return sendPage(reply, 200, (nonce) =>
      renderPlans({ frame: f, nonce, active, plans: page.items, nextCursor: page.nextCursor }),
    );
  });

  app.get('/console/plans/:plan_id', async (request, reply) => {
    const f = await frameOf(request, reply);
    if (!f) return reply.redirect('/console/login', 303);
    const { plan_id: id } = request.params as { plan_id: string };
    const found = PLAN_ID.test(id) ? await getPlan(deps, tenantOf(f), id) : null;
    if (!found?.ok) {
      return sendMessagePage(reply, 404, 'Plan not found', `No plan ${id} in ${f.mode} mode.`);
    }
    const versions = await listPlanVersions(
      { deps, tenant: tenantOf(f) },
      { filter: { planId: id }, page: { limit: VERSIONS_SHOWN } },
    );
    return sendPage(reply, 200, (nonce) =>
      renderPlan({
        frame: f,
        nonce,
        plan: found.value,
        versions: versions.ok ? versions.value.items : [],
      }),
    );
  });
}
