import { randomInt } from 'node:crypto';
import { Agent } from 'undici';
import { expect } from 'vitest';
import { request, type TestServer } from './harness.js';

// A buyer's browser in miniature, for the hosted page's HTTP tests: it keeps the CSRF
// cookie, reads the form's hidden fields, and posts forms as a browser does.

export const lines = [
  { name: 'Yoga mat', quantity: 1, unit_price_money: { amount: 3500, currency: 'USD' } },
  { name: 'Blocks', quantity: 2, unit_price_money: { amount: 1500, currency: 'USD' } },
];

export const GOOD_CARD = {
  email: 'buyer@example.com',
  card_number: '4242 4242 4242 4242',
  card_expiry: '12 / 30',
  card_cvc: '123',
};

export async function createSession(
  server: Pick<TestServer, 'url'>,
  key: string,
  fields: Record<string, unknown> = {},
) {
  const res = await request(server, 'POST', '/v1/checkout/sessions', {
    key,
    body: {
      checkout_session: {
        success_url: 'https://shop.example/done?ref=a&b=1',
        cancel_url: 'https://shop.example/cart',
        line_items: lines,
        ...fields,
      },
    },
  });
  expect(res.status, res.text).toBe(200);
  return res.body.checkout_session as {
    checkout_session_id: string;
    order_id: string;
    url: string;
  };
}

export interface PageResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The 303's target, if any. */
  readonly location: string | null;
}

/** A loopback address of its own (Linux routes all of 127/8 to this machine): one client. */
export function loopbackAddress(): string {
  return `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}

export interface BuyerOptions {
  /** The address the browser connects from (see `loopbackAddress`): what the server counts. */
  readonly from?: string;
}

export class Buyer {
  private readonly dispatcher: Agent | undefined;

  /** The cookies this browser sends. */
  get cookie(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  constructor(
    private readonly server: Pick<TestServer, 'url'>,
    private readonly options: BuyerOptions = {},
    private readonly jar = new Map<string, string>(),
  ) {
    this.dispatcher = options.from ? new Agent({ localAddress: options.from }) : undefined;
  }

  /** The same browser (cookies, address) talking to another server. */
  at(server: Pick<TestServer, 'url'>): Buyer {
    return new Buyer(server, this.options, this.jar);
  }

  async get(path: string): Promise<PageResponse> {
    return this.send('GET', path);
  }

  async post(path: string, form: Record<string, string>): Promise<PageResponse> {
    return this.send('POST', path, new URLSearchParams(form).toString());
  }

  /** Opens the page and reads its form's hidden fields. */
  async open(sessionId: string): Promise<{ page: PageResponse; csrf: string; attempt: string }> {
    const page = await this.get(`/checkout/${sessionId}`);
    return { page, csrf: hidden(page.text, 'csrf_token'), attempt: hidden(page.text, 'attempt') };
  }

  /** Opens the page and pays with `fields` (a valid test card unless overridden). */
  async pay(sessionId: string, fields: Record<string, string> = {}): Promise<PageResponse> {
    const { csrf, attempt } = await this.open(sessionId);
    return this.post(`/checkout/${sessionId}/pay`, {
      csrf_token: csrf,
      attempt,
      ...GOOD_CARD,
      ...fields,
    });
  }

  private async send(method: string, path: string, body?: string): Promise<PageResponse> {
    const headers: Record<string, string> = {};
    if (this.cookie) headers.cookie = this.cookie;
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(this.server.url + path, {
      method,
      headers,
      body,
      redirect: 'manual',
      ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}),
    } as RequestInit);
    for (const c of response.headers.getSetCookie()) {
      const pair = c.split(';')[0] ?? '';
      const at = pair.indexOf('=');
      const [name, value] = [pair.slice(0, at), pair.slice(at + 1)];
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(c)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return {
      status: response.status,
      headers: response.headers,
      text: await response.text(),
      location: response.headers.get('location'),
    };
  }
}

export function hidden(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!match?.[1]) throw new Error(`no hidden ${name} in the page`);
  return match[1];
}
