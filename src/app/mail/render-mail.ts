import { escapeHtml } from '../../domain/html-escape.js';

// One template object, two renderings: the plain text and the HTML of the same mail. The
// HTML escapes every value, styles inline (mail clients drop <style> and block remote CSS)
// and loads nothing from anywhere: no images, fonts or scripts.

/** A line of a summary table ("Amount due" → "$42.00"). */
export interface MailRow {
  readonly label: string;
  readonly value: string;
}

/** What a mail says, in the order it says it. */
export interface MailTemplate {
  readonly subject: string;
  /** The first line, in large type. */
  readonly heading: string;
  readonly paragraphs: readonly string[];
  readonly rows?: readonly MailRow[] | undefined;
  /** One button (a hosted page); http(s) only. */
  readonly action?: { readonly label: string; readonly url: string } | undefined;
  /** Further links, plainer than the button (a PDF); http(s) only. */
  readonly links?: readonly { readonly label: string; readonly url: string }[] | undefined;
  /** Small print at the end (who sent it, why). */
  readonly footer?: string | undefined;
}

export interface RenderedMail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** Only web links become buttons: `javascript:` and the like are a bug of the caller. */
function webUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new Error(`a mail's link must be http(s), got ${parsed.protocol}`);
  }
  return parsed.href;
}

function renderText(t: MailTemplate): string {
  const parts = [t.heading, ...t.paragraphs];
  if (t.rows?.length) parts.push(t.rows.map((r) => `${r.label}: ${r.value}`).join('\n'));
  if (t.action) parts.push(`${t.action.label}: ${webUrl(t.action.url)}`);
  for (const link of t.links ?? []) parts.push(`${link.label}: ${webUrl(link.url)}`);
  if (t.footer) parts.push(`--\n${t.footer}`);
  return `${parts.join('\n\n')}\n`;
}

const FONT = "font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif";
const P = `margin:0 0 16px;font-size:15px;line-height:1.5;color:#1f2933;${FONT}`;

function renderRows(rows: readonly MailRow[]): string {
  const cells = rows
    .map(
      (r) =>
        `<tr><td style="padding:6px 0;color:#52606d;${FONT};font-size:14px">${escapeHtml(r.label)}</td>` +
        `<td style="padding:6px 0;text-align:right;color:#1f2933;${FONT};font-size:14px">${escapeHtml(r.value)}</td></tr>`,
    )
    .join('');
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-top:1px solid #e4e7eb;margin:0 0 16px">${cells}</table>`;
}

function renderHtml(t: MailTemplate): string {
  const body = [
    `<h1 style="margin:0 0 16px;font-size:22px;color:#1f2933;${FONT}">${escapeHtml(t.heading)}</h1>`,
    ...t.paragraphs.map((p) => `<p style="${P}">${escapeHtml(p)}</p>`),
    t.rows?.length ? renderRows(t.rows) : '',
    t.action
      ? `<p style="margin:24px 0"><a href="${escapeHtml(webUrl(t.action.url))}" style="display:inline-block;padding:10px 18px;background:#1f2933;color:#ffffff;text-decoration:none;border-radius:6px;${FONT};font-size:15px">${escapeHtml(t.action.label)}</a></p>`
      : '',
    ...(t.links ?? []).map(
      (link) =>
        `<p style="${P}"><a href="${escapeHtml(webUrl(link.url))}" style="color:#1f2933">${escapeHtml(link.label)}</a></p>`,
    ),
    t.footer
      ? `<p style="margin:24px 0 0;font-size:12px;color:#7b8794;${FONT}">${escapeHtml(t.footer)}</p>`
      : '',
  ].join('');
  return (
    '<!doctype html><html><head><meta charset="utf-8">' +
    `<title>${escapeHtml(t.subject)}</title></head>` +
    '<body style="margin:0;padding:24px;background:#f5f7fa">' +
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">' +
    `<div style="max-width:560px;margin:0 auto;padding:32px;background:#ffffff;border-radius:8px;text-align:left">${body}</div>` +
    '</td></tr></table></body></html>'
  );
}

/** The subject, text and HTML of a mail, from one template. */
export function renderMail(template: MailTemplate): RenderedMail {
  return { subject: template.subject, text: renderText(template), html: renderHtml(template) };
}
