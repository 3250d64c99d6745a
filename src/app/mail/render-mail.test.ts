import { describe, expect, it } from 'vitest';
import { renderMail } from './render-mail.js';

const template = {
  subject: 'Invoice FLT-000042 from Shop & Co',
  heading: 'Invoice <FLT-000042>',
  paragraphs: ['Hello "Jo",', "Your invoice is due on 5 Jan; it's $42.00."],
  rows: [
    { label: 'Amount due', value: '$42.00' },
    { label: 'Due', value: '2027-01-05' },
  ],
  action: { label: 'Pay online', url: 'https://pay.example/i/tok?x=1&y=<2>' },
  footer: 'Shop & Co · 1 Main St',
};

describe('renderMail', () => {
  it('renders the same content as text and as HTML', () => {
    const mail = renderMail(template);
    expect(mail.subject).toBe(template.subject);
    expect(mail.text).toBe(
      `${[
        'Invoice <FLT-000042>',
        'Hello "Jo",',
        "Your invoice is due on 5 Jan; it's $42.00.",
        'Amount due: $42.00\nDue: 2027-01-05',
        'Pay online: https://pay.example/i/tok?x=1&y=%3C2%3E',
        '--\nShop & Co · 1 Main St',
      ].join('\n\n')}\n`,
    );
    expect(mail.html).toContain('<h1 style=');
    expect(mail.html).toContain('>Invoice &lt;FLT-000042&gt;</h1>');
    expect(mail.html).toContain('Hello &quot;Jo&quot;,');
    expect(mail.html).toContain('it&#39;s $42.00.');
    expect(mail.html).toContain('href="https://pay.example/i/tok?x=1&amp;y=%3C2%3E"');
    expect(mail.html).toContain('<title>Invoice FLT-000042 from Shop &amp; Co</title>');
    expect(mail.html).toContain('Shop &amp; Co · 1 Main St');
  });

  it('loads nothing from elsewhere and carries no script or stylesheet', () => {
    const { html } = renderMail(template);
    expect(html).not.toMatch(/<(script|link|img|style)\b/i);
    expect(html).not.toMatch(/\bsrc=/i);
    expect(html).not.toContain('url(');
    // The one link is the action's; every style is inline.
    expect(html.match(/href=/g)).toHaveLength(1);
  });

  it('leaves out what the template does not give', () => {
    const mail = renderMail({ subject: 'Hi', heading: 'Hi', paragraphs: ['One line.'] });
    expect(mail.text).toBe('Hi\n\nOne line.\n');
    expect(mail.html).not.toContain(
      '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style',
    );
    expect(mail.html).not.toContain('href=');
  });

  it('refuses a link that is not http(s)', () => {
    expect(() =>
      renderMail({ ...template, action: { label: 'x', url: 'javascript:alert(1)' } }),
    ).toThrow('http(s)');
  });
});
