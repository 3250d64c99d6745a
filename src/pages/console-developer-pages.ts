import type { DeliveryWithAttempts } from '../adapters/db/repos/webhook-deliveries-repo.js';
import type { ApiKeyRow } from '../adapters/db/schema.js';
import type { WebhookEndpointRow } from '../adapters/db/schema-webhooks.js';
import { type ConsoleFrame, frame } from './console-frame.js';
import { html } from './html.js';

// The console's developers area (owners): API keys of the mode (created, shown once,
// revoked) and webhook endpoints with their delivery log and redelivery.

const stamp = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace('T', ' ') : '—');

export function renderDevelopers(input: {
  frame: ConsoleFrame;
  nonce: string;
  keys: readonly ApiKeyRow[];
  endpoints: readonly WebhookEndpointRow[];
  /** A key just created: its secret, shown this once. */
  created?: { readonly row: ApiKeyRow; readonly secret: string } | undefined;
}): string {
  const { frame: f } = input;
  const keys = input.keys.map(
    (k) =>
      html`<tr><td>${k.name ?? '—'}</td><td><code>${k.redacted}</code></td><td>${stamp(k.last_used_at)}</td><td>${
        k.revoked_at
          ? `revoked ${stamp(k.revoked_at)}`
          : html`<form method="post" action="/console/developers/keys/${k.id}/revoke?mode=${f.mode}" class="inline"><input type="hidden" name="csrf_token" value="${f.csrfToken}"><button type="submit" class="link">Revoke</button></form>`
      }</td></tr>`,
  );
  const endpoints = input.endpoints.map(
    (e) =>
      html`<tr><td><a href="/console/developers/webhooks/${e.id}?mode=${f.mode}">${e.url}</a></td><td>${e.status}</td><td>${e.enabled_events.join(', ')}</td></tr>`,
  );
  return frame(
    'Developers',
    f,
    input.nonce,
    html`<h1>Developers</h1>
${
  input.created
    ? html`<div class="alert" role="alert"><p>New key <code>${input.created.row.redacted}</code>. Copy it now: it is not shown again.</p><p><code id="new-secret">${input.created.secret}</code></p></div>`
    : ''
}
<section class="panel" aria-labelledby="keys"><h2 id="keys">API keys (${f.mode} mode)</h2>
<table><thead><tr><th scope="col">Name</th><th scope="col">Key</th><th scope="col">Last used</th><th scope="col">State</th></tr></thead><tbody>${keys}</tbody></table>
<form method="post" action="/console/developers/keys?mode=${f.mode}">
<input type="hidden" name="csrf_token" value="${f.csrfToken}">
<label for="key-name">New key's name</label><input id="key-name" name="name" maxlength="100">
<button type="submit">Create a ${f.mode} key</button></form></section>
<section class="panel" aria-labelledby="hooks"><h2 id="hooks">Webhook endpoints</h2>
${endpoints.length ? html`<table><thead><tr><th scope="col">URL</th><th scope="col">Status</th><th scope="col">Events</th></tr></thead><tbody>${endpoints}</tbody></table>` : html`<p>None yet: add one with POST /v1/webhook_endpoints.</p>`}
</section>`,
  );
}

export function renderEndpoint(input: {
  frame: ConsoleFrame;
  nonce: string;
  endpoint: WebhookEndpointRow;
  deliveries: readonly DeliveryWithAttempts[];
}): string {
  const { frame: f, endpoint } = input;
  const rows = input.deliveries.map((d) => {
    const last = d.attempts[d.attempts.length - 1];
    return html`<tr><td>${d.event_type}<br><code>${d.event_id}</code></td><td>${d.status}</td><td class="num">${d.attempt_count}</td><td>${
      last ? `${last.response_status ?? last.error ?? '—'} (${last.duration_ms} ms)` : '—'
    }</td><td><form method="post" action="/console/developers/webhooks/${endpoint.id}/redeliver?mode=${f.mode}" class="inline"><input type="hidden" name="csrf_token" value="${f.csrfToken}"><input type="hidden" name="event_id" value="${d.event_id}"><button type="submit" class="link">Redeliver</button></form></td></tr>`;
  });
  return frame(
    'Webhook endpoint',
    f,
    input.nonce,
    html`<h1>Webhook endpoint</h1>
<section class="panel"><p><code>${endpoint.url}</code> · ${endpoint.status}</p>
<table><caption>Deliveries, newest first</caption><thead><tr><th scope="col">Event</th><th scope="col">Status</th><th scope="col" class="num">Attempts</th><th scope="col">Last answer</th><th scope="col">Send again</th></tr></thead><tbody>${rows}</tbody></table>
<a class="back" href="/console/developers?mode=${f.mode}">Back to developers</a></section>`,
  );
}
