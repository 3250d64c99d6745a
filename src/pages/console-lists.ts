import { statusWords } from './console-parts.js';
import { type Html, html } from './html.js';

// What the console's list pages (orders, refunds) share: the status filter and the link on.

/** A status filter's options: "Any", then every status in words, `current` selected. */
export function statusOptions(statuses: readonly string[], current: string): Html {
  return html`<option value="">Any</option>${statuses.map(
    (s) =>
      html`<option value="${s}"${s === current ? html` selected` : ''}>${statusWords(s)}</option>`,
  )}`;
}

/** A list's "Next page" link (`path?query&starting_after=cursor`), or nothing on its last page. */
export function nextPageLink(path: string, query: string | Html, cursor: string | null): Html | '' {
  return cursor
    ? html`<p><a href="${path}?${query}&starting_after=${cursor}">Next page</a></p>`
    : '';
}
