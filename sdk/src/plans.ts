import type { Api } from './api.js';
import type { ListParams, PageList } from './pagination.js';
import type { RequestOptions } from './transport.js';
import type { BodyOf, Keyed, Plan, PlanVersion, QueryOf } from './types.js';

// Plans: recurring lines on one interval, templates subscriptions copy. A change of a
// plan's terms makes a new version; earlier versions stay as they were. Each path is
// written out, so that sdk/REFERENCE.md (scripts/sdk-reference.mjs) names the call.

export type { Plan, PlanVersion };
export type PlanCreateParams = Keyed<BodyOf<'POST /v1/plans', 'plan'>>;
export type PlanUpdateParams = Keyed<BodyOf<'PATCH /v1/plans/{plan_id}', 'plan'>>;

const id = (value: string) => encodeURIComponent(value);

export class Plans {
  constructor(private readonly api: Api) {}
  /** Lines by recurring price (`priceId`) or ad hoc (`name` + `unitAmount`), one interval. */
  create(params: PlanCreateParams, options?: RequestOptions): Promise<Plan> {
    return this.api.one('POST', '/v1/plans', 'plan', params, options);
  }
  get(planId: string): Promise<Plan> {
    return this.api.one('GET', `/v1/plans/${id(planId)}`, 'plan');
  }
  /** The same as `get`. */
  retrieve(planId: string): Promise<Plan> {
    return this.get(planId);
  }
  /** A change of the terms makes a new version; `active: false` archives the plan. */
  update(planId: string, params: PlanUpdateParams, options?: RequestOptions): Promise<Plan> {
    return this.api.one('PATCH', `/v1/plans/${id(planId)}`, 'plan', params, options);
  }
  list(params: ListParams & Partial<QueryOf<'GET /v1/plans'>> = {}): PageList<Plan> {
    return this.api.list('/v1/plans', 'plans', params);
  }
  /** A plan's versions, newest first. */
  versions(planId: string, params: ListParams = {}): PageList<PlanVersion> {
    return this.api.list(`/v1/plans/${id(planId)}/versions`, 'plan_versions', params);
  }
  /** One version of a plan's terms, as it was made. */
  version(planId: string, version: number): Promise<PlanVersion> {
    return this.api.one('GET', `/v1/plans/${id(planId)}/versions/${version}`, 'plan_version');
  }
}
