import type { PlanRow, PlanVersionRow } from '../adapters/db/schema-plans.js';
import { formatMoney } from '../domain/money-format.js';
import { planResource, planVersionResource } from '../resources/plan.js';
import { type ConsoleFrame, frame } from './console-frame.js';
import { nextPageLink } from './console-lists.js';
import { countOf, dataTable, idLink, statusBadge, when } from './console-parts.js';
import { type Html, html } from './html.js';

// The console's plans: a list (active or archived), and one plan with its lines and every
// version of its terms. Read only: plans are made through the API. Pure.

type Line = ReturnType<typeof planResource>['line_items'][number];

const every = (count: number, interval: string) =>
  count === 1 ? `Every ${interval}` : `Every ${count} ${interval}s`;

/** One seat's period: Σ unit amount × quantity of its lines. */
function perSeat(lines: readonly Line[], currency: string): string {
  return formatMoney(
    lines.reduce((sum, l) => sum + l.unit_amount * l.quantity, 0),
    currency,
  );
}

export interface PlansPageInput {
  readonly frame: ConsoleFrame;
  readonly nonce: string;
  /** "" (all), "true" or "false". */
  readonly active: string;
  readonly plans: readonly PlanRow[];
  readonly nextCursor: string | null;
}

export function renderPlans(input: PlansPageInput): string {
  const { frame: f } = input;
  const rows = input.plans.map((row) => {
    const p = planResource(row);
    return [
      idLink(`/console/plans/${p.plan_id}?mode=${f.mode}`, p.plan_id),
      p.name,
      statusBadge(p.active ? 'active' : 'archived'),
      every(p.interval_count, p.interval),
      perSeat(p.line_items, p.currency),
      String(p.version),
      when(p.created_at),
    ];
  });
  const option = (value: string, label: string) =>
    html`<option value="${value}"${value === input.active ? html` selected` : ''}>${label}</option>`;
  const query = new URLSearchParams({ mode: f.mode, active: input.active });
  return frame(
    'Plans',
    f,
    input.nonce,
    html`<h1>Plans</h1>
<form method="get" action="/console/plans" role="search" class="panel">
<input type="hidden" name="mode" value="${f.mode}">
<div class="filters">
<div><label for="active">Status</label>
<select id="active" name="active">${option('', 'Any')}${option('true', 'Active')}${option('false', 'Archived')}</select></div>
<button type="submit">Filter</button>
</div>
</form>
<div class="panel">${dataTable({
      caption: countOf(input.plans.length, 'plan') + (input.nextCursor ? ' on this page' : ''),
      columns: [
        { label: 'Plan' },
        { label: 'Name' },
        { label: 'Status' },
        { label: 'Billed' },
        { label: 'Per seat', num: true },
        { label: 'Version', num: true },
        { label: 'Created (UTC)' },
      ],
      rows,
      empty: 'No plans found.',
    })}${nextPageLink('/console/plans', query.toString(), input.nextCursor)}</div>`,
  );
}

function linesTable(lines: readonly Line[], currency: string, caption: string): Html {
  const taxOf = (l: Line) =>
    l.tax_exempt ? 'Exempt' : l.tax_rate_ids === null ? 'Defaults' : l.tax_rate_ids.join(', ');
  return dataTable({
    caption,
    columns: [
      { label: 'Line' },
      { label: 'Price' },
      { label: 'Unit amount', num: true },
      { label: 'Quantity', num: true },
      { label: 'Per seat' },
      { label: 'Tax' },
    ],
    rows: lines.map((l) => [
      l.name,
      l.price_id ?? 'Ad hoc',
      formatMoney(l.unit_amount, currency),
      String(l.quantity),
      l.per_seat ? 'Yes' : 'No',
      taxOf(l),
    ]),
    empty: 'No lines.',
  });
}

export interface PlanPageInput {
  readonly frame: ConsoleFrame;
  readonly nonce: string;
  readonly plan: PlanRow;
  /** Its versions, newest first. */
  readonly versions: readonly PlanVersionRow[];
}

export function renderPlan(input: PlanPageInput): string {
  const p = planResource(input.plan);
  const row = (label: string, value: Html | string) =>
    html`<tr><th scope="row">${label}</th><td>${value}</td></tr>`;
  const versions = input.versions.map((v) => {
    const version = planVersionResource(v);
    return html`<details${version.version === p.version ? html` open` : ''}><summary>Version ${String(version.version)} · ${when(version.created_at)} · ${every(version.interval_count, version.interval)} · ${perSeat(version.line_items, version.currency)} per seat</summary>
${linesTable(version.line_items, version.currency, countOf(version.line_items.length, 'line'))}</details>`;
  });
  return frame(
    `Plan ${p.name}`,
    input.frame,
    input.nonce,
    html`<h1>${p.name} ${statusBadge(p.active ? 'active' : 'archived')}</h1>
<div class="panel"><table>
${row('Plan', html`<span class="id">${p.plan_id}</span>`)}
${row('Description', p.description ?? '—')}
${row('Billed', `${every(p.interval_count, p.interval)}, in ${p.currency}`)}
${row('Trial', p.trial_period_days === null ? 'None' : countOf(p.trial_period_days, 'day'))}
${row('Version', String(p.version))}
${row('Created', when(p.created_at))}
</table></div>
<section class="panel" aria-labelledby="lines"><h2 id="lines">Lines</h2>
${linesTable(p.line_items, p.currency, countOf(p.line_items.length, 'line'))}
<p class="hint">A subscription's quantity (seats) multiplies the lines billed per seat.</p></section>
<section class="panel" aria-labelledby="versions"><h2 id="versions">Versions</h2>
<p class="hint">Each version is kept as it was made: subscriptions keep theirs until moved to a newer one.</p>
${versions}</section>`,
  );
}
