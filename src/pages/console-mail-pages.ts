import type { EmailRow } from '../adapters/db/schema-mail.js';
import { EMAIL_KINDS } from '../domain/mail/mail-values.js';
import { type ConsoleFrame, frame } from './console-frame.js';
import { nextPageLink, statusOptions } from './console-lists.js';
import { dataTable, idLink, statusBadge, when } from './console-parts.js';
import { html } from './html.js';

// The console's mailbox ("Mail"): every mail Flint made in the mode, kept (test mode, or
// live mode without SMTP) or sent. One message shows its text and its HTML; the HTML is a
// separate document in a sandboxed frame, never markup of the console's own page.

export interface MailboxInput {
  readonly frame: ConsoleFrame;
  readonly nonce: string;
  readonly kind: string;
  readonly emails: readonly EmailRow[];
  readonly nextCursor: string | null;
}

const where = (f: ConsoleFrame) =>
  f.mode === 'test'
    ? 'Test mode never mails anyone: every mail is kept here.'
    : 'Live mail goes out through SMTP when FLINT_SMTP_URL is set; until then it waits here, queued.';

export function renderMailbox(input: MailboxInput): string {
  const { frame: f } = input;
  const rows = input.emails.map((e) => [
    idLink(`/console/mail/${e.id}?mode=${f.mode}`, e.id),
    e.to_address,
    e.subject,
    e.kind,
    statusBadge(e.status),
    when(e.created_at.toISOString()),
  ]);
  const query = new URLSearchParams({ mode: f.mode, kind: input.kind });
  return frame(
    'Mail',
    f,
    input.nonce,
    html`<h1>Mail</h1>
<p>${where(f)}</p>
<form method="get" action="/console/mail" role="search" class="panel">
<input type="hidden" name="mode" value="${f.mode}">
<div class="filters"><div><label for="kind">Kind</label>
<select id="kind" name="kind">${statusOptions(EMAIL_KINDS, input.kind)}</select></div>
<button type="submit">Show</button></div>
</form>
<section class="panel">${dataTable({
      caption: 'Newest first',
      columns: [
        { label: 'Email' },
        { label: 'To' },
        { label: 'Subject' },
        { label: 'Kind' },
        { label: 'Status' },
        { label: 'Created (UTC)' },
      ],
      rows,
      empty: 'No mail yet.',
    })}
${nextPageLink('/console/mail', query.toString(), input.nextCursor)}</section>`,
  );
}

export function renderMessage(input: {
  readonly frame: ConsoleFrame;
  readonly nonce: string;
  readonly email: EmailRow;
}): string {
  const { frame: f, email: e } = input;
  const related = e.object_type && e.object_id ? `${e.object_type} ${e.object_id}` : '—';
  return frame(
    e.subject,
    f,
    input.nonce,
    html`<h1>${e.subject}</h1>
<section class="panel"><dl class="mail-head">
<dt>To</dt><dd>${e.to_address}</dd>
<dt>From</dt><dd>${e.from_address ?? '(the configured FLINT_MAIL_FROM, when sent)'}</dd>
<dt>Status</dt><dd>${statusBadge(e.status)}${e.sent_at ? html` ${when(e.sent_at.toISOString())}` : ''}</dd>
<dt>Kind</dt><dd>${e.kind}</dd>
<dt>About</dt><dd>${related}</dd>
<dt>Attempts</dt><dd>${String(e.attempt_count)}${e.last_error ? ` · last error: ${e.last_error}` : ''}</dd>
<dt>Created</dt><dd>${when(e.created_at.toISOString())}</dd>
</dl></section>
<section class="panel" aria-labelledby="html-part"><h2 id="html-part">HTML</h2>
<iframe class="mail-html" title="The mail's HTML" sandbox="" referrerpolicy="no-referrer" src="/console/mail/${e.id}/html?mode=${f.mode}"></iframe></section>
<section class="panel" aria-labelledby="text-part"><h2 id="text-part">Text</h2>
<pre class="mail-text" id="mail-text">${e.text}</pre>
<a class="back" href="/console/mail?mode=${f.mode}">Back to mail</a></section>`,
  );
}
