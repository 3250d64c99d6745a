import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { EmailRow } from '../src/adapters/db/schema-mail.js';
import { transactValue } from '../src/adapters/db/transact.js';
import { createSmtpTransport } from '../src/adapters/mail/smtp-transport.js';
import { type MailInput, queueMail } from '../src/app/mail/queue-mail.js';
import { renderMail } from '../src/app/mail/render-mail.js';
import type { Deps } from '../src/app/shared/deps.js';
import type { Tenant } from '../src/domain/tenant.js';
import { startMailDeliveryWorker } from '../src/workers/mail-delivery.js';
import type { Worker } from '../src/workers/periodic.js';

// Mail in tests: mail queued the way a capability queues it (in its own transaction), a
// real SMTP server process listening on loopback, and a small MIME reader for what it got.

let serial = 0;

/** A receipt-like mail's input, each one distinct; `overrides` replace any field. */
export function mailInput(overrides: Partial<MailInput> = {}): MailInput {
  serial += 1;
  const rendered = renderMail({
    subject: `Your receipt #${serial}`,
    heading: 'Thanks for your order',
    paragraphs: ['We received your payment of $42.00 — "Café" <included>.'],
    rows: [{ label: 'Total', value: '$42.00' }],
    action: { label: 'View your order', url: 'https://shop.example/orders/1?a=1&b=2' },
    footer: 'Shop Inc., 1 Main St.',
  });
  return {
    ...rendered,
    to: `buyer${serial}@example.com`,
    kind: 'receipt',
    now: new Date(),
    ...overrides,
  };
}

/** Queues one mail in a transaction of its own, as a capability's command would. */
export async function queueTestMail(
  deps: Pick<Deps, 'db'>,
  tenant: Tenant,
  overrides: Partial<MailInput> = {},
): Promise<EmailRow> {
  const queued = await transactValue(deps.db, (tx) => queueMail(tx, tenant, mailInput(overrides)));
  return queued.email;
}

export interface ReceivedMail {
  readonly from: string;
  readonly to: string[];
  readonly raw: string;
}

export interface SmtpSink {
  readonly url: string;
  readonly received: ReceivedMail[];
  /** Recipients refused so far (each attempt counts). */
  readonly refusals: () => number;
  close(): Promise<void>;
}

/**
 * A real SMTP server (the `smtp-server` package) on a free loopback port, plain text, no
 * authentication. `refuse` answers each recipient: an SMTP reply code refuses it (451 is a
 * temporary failure, 550 a permanent one), null accepts it.
 */
export async function startSmtpSink(
  refuse: (to: string) => number | null = () => null,
): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  let refused = 0;
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const code = refuse(address.address);
      if (code === null) return callback();
      refused += 1;
      const error = Object.assign(new Error(`refused by the test server (${code})`), {
        responseCode: code,
      });
      return callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const from = session.envelope.mailFrom;
        received.push({
          from: from ? from.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    refusals: () => refused,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The real mail worker against the sink, serving only `accountIds`, on a fast schedule. */
export function startTestMailWorker(
  deps: Deps,
  options: {
    readonly url: string;
    readonly accountIds: readonly string[];
    readonly scheduleMs?: readonly number[];
  },
): Worker {
  return startMailDeliveryWorker(
    {
      deps,
      transport: createSmtpTransport({ url: options.url, timeoutMs: 5000 }),
      from: 'Shop <billing@shop.example>',
      scheduleMs: options.scheduleMs ?? [0, 30, 30],
      leaseMs: 20_000,
    },
    { intervalMs: 20, scope: { accountIds: options.accountIds } },
  );
}

/** Decodes a MIME part's body by its Content-Transfer-Encoding. */
function decodeBody(body: string, encoding: string): string {
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString();
  if (encoding === 'quoted-printable') {
    const bytes = body
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_, hex: string) =>
        String.fromCharCode(Number.parseInt(hex, 16)),
      );
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

function headersOf(block: string): Map<string, string> {
  const unfolded = block.replace(/\r?\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of unfolded.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0) headers.set(line.slice(0, at).toLowerCase(), line.slice(at + 1).trim());
  }
  return headers;
}

/** The subject, Message-ID and text and HTML parts of a multipart/alternative message. */
export function readMime(raw: string): {
  subject: string;
  messageId: string;
  text: string;
  html: string;
} {
  const split = raw.indexOf('\r\n\r\n');
  const top = headersOf(raw.slice(0, split));
  const boundary = /boundary="?([^";]+)"?/.exec(top.get('content-type') ?? '')?.[1];
  if (!boundary) throw new Error(`not multipart: ${top.get('content-type')}`);
  const parts: Record<string, string> = {};
  for (const part of raw.slice(split).split(`--${boundary}`).slice(1)) {
    const end = part.indexOf('\r\n\r\n');
    if (end < 0) continue;
    const headers = headersOf(part.slice(0, end));
    const type = (headers.get('content-type') ?? '').split(';')[0] ?? '';
    const body = part.slice(end + 4).replace(/\r\n$/, '');
    parts[type] = decodeBody(body, headers.get('content-transfer-encoding') ?? '7bit');
  }
  return {
    subject: top.get('subject') ?? '',
    messageId: top.get('message-id') ?? '',
    text: (parts['text/plain'] ?? '').replace(/\r\n/g, '\n'),
    html: (parts['text/html'] ?? '').replace(/\r\n/g, '\n'),
  };
}
