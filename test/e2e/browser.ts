import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Locator,
  type Page,
  type Response,
} from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { AppOptions } from '../../src/http/app.js';
import { startTestServer, type TestServer } from '../harness.js';

// The browser tests' shared parts: Debian's chromium (never a downloaded one), a tab that
// records every page error, console error, CSP violation and dialog, screenshots, a local
// "merchant site" for success_url/cancel_url, and the card form.

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
];

const chromiumInstalled = existsSync(CHROMIUM_PATH);
const missingChromium = `${CHROMIUM_PATH} is missing: the browser tests (test/e2e) need Debian's chromium (apt-get install -y chromium; .ci/run installs it)`;

/** Outside CI a machine without chromium skips the browser tests, saying why; in CI they fail. */
export const skipBrowserTests = !chromiumInstalled && !process.env.CI;
if (skipBrowserTests) console.warn(`Skipping the browser tests: ${missingChromium}.`);

export async function launchBrowser(): Promise<Browser> {
  if (!chromiumInstalled) throw new Error(`${missingChromium}. CI is set, so they fail.`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

const DATABASE = process.env.DATABASE_URL ? 'postgresql' : 'pglite';
export const SCREENSHOT_DIR = fileURLToPath(
  new URL(`../../test-artifacts/screenshots/${DATABASE}/`, import.meta.url),
);

/** A full-page PNG under test-artifacts/screenshots/<database>/. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** Runs before any page script (CDP, so the page's own CSP does not apply to it). */
const CSP_REPORTER = `document.addEventListener('securitypolicyviolation', function (e) {
  console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline'));
});`;

const PAY_PATH = /^\/checkout\/cs_[0-9a-z]+\/pay$/;

export interface Tab {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Page errors, console errors and warnings, CSP violations, dialogs: none is expected. */
  readonly problems: string[];
  /** The body of every POST the page sent to a checkout's /pay. */
  readonly payRequests: string[];
  /** Asserts a problem the test caused on purpose happened, and takes it off the list. */
  expectProblem(pattern: RegExp): void;
  /**
   * Chromium logs every document answered with an error status (the decline page is a
   * 402, the expired page a 410) as "Failed to load resource": expected once per such page.
   */
  expectErrorStatusLogged(status: number): void;
}

/** One file's test bed: the API server, the merchant site and the browser. */
export interface Suite {
  readonly server: TestServer;
  /** The server's log (pino's JSON lines) since the suite started. */
  readonly serverLog: readonly ServerLogLine[];
  readonly merchant: MerchantSite;
  readonly browser: Browser;
  /** A new context (cookies and all) and page; checked for problems and closed after the test. */
  openTab(options?: BrowserContextOptions): Promise<Tab>;
}

export interface ServerLogLine {
  readonly level: number;
  readonly msg?: string;
  readonly [field: string]: unknown;
}

/** pino's level for `error`: anything at or above it is an error-level line. */
const ERROR_LEVEL = 50;

/** The server's error-level lines (what it logs at `error` or `fatal`), as read in a failure. */
export function errorLines(log: readonly ServerLogLine[]): string[] {
  return log.filter((line) => line.level >= ERROR_LEVEL).map((line) => JSON.stringify(line));
}

/**
 * A browser, a Flint server (started with `options`, logging into memory) and a merchant
 * site for a describe. Normal use logs no error: after every test, and once more after
 * the whole run, the server's log must hold no error-level line.
 */
export function browserSuite(options: Partial<AppOptions> = {}): Suite {
  let server: TestServer | undefined;
  let merchant: MerchantSite | undefined;
  let browser: Browser | undefined;
  const tabs: Tab[] = [];
  const serverLog: ServerLogLine[] = [];
  let checked = 0;
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => serverLog.push(JSON.parse(line) as ServerLogLine) },
  );
  beforeAll(async () => {
    browser = await launchBrowser();
    server = await startTestServer({ logger, ...options });
    merchant = await startMerchantSite();
  });
  afterEach(async () => {
    const open = tabs.splice(0);
    await Promise.all(open.map((tab) => tab.context.close()));
    for (const tab of open) {
      expect(tab.problems, 'page errors, console errors, CSP violations, dialogs').toEqual([]);
    }
    const fresh = serverLog.slice(checked);
    checked = serverLog.length;
    expect(errorLines(fresh), 'error-level lines in the server log').toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await merchant?.close();
    expect(errorLines(serverLog), 'error-level lines in the server log').toEqual([]);
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the browser suite is not started (beforeAll failed)');
    return value;
  };
  return {
    serverLog,
    get server() {
      return ready(server);
    },
    get merchant() {
      return ready(merchant);
    },
    get browser() {
      return ready(browser);
    },
    async openTab(options = {}) {
      const tab = await newTab(ready(browser), options);
      tabs.push(tab);
      return tab;
    },
  };
}

async function newTab(browser: Browser, options: BrowserContextOptions): Promise<Tab> {
  const context = await browser.newContext(options);
  await context.addInitScript({ content: CSP_REPORTER });
  const page = await context.newPage();
  const problems: string[] = [];
  const payRequests: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      problems.push(`console ${message.type()}: ${message.text()}`);
    }
  });
  page.on('dialog', (dialog) => {
    problems.push(`dialog (${dialog.type()}): ${dialog.message()}`);
    dialog.dismiss().catch(() => undefined); // recorded above; the page may be gone
  });
  page.on('request', (req) => {
    if (req.method() === 'POST' && PAY_PATH.test(new URL(req.url()).pathname)) {
      payRequests.push(req.postData() ?? '');
    }
  });
  const expectProblem = (pattern: RegExp) => {
    const index = problems.findIndex((p) => pattern.test(p));
    expect(index, `a problem matching ${pattern} in ${JSON.stringify(problems)}`).not.toBe(-1);
    problems.splice(index, 1);
  };
  return {
    context,
    page,
    problems,
    payRequests,
    expectProblem,
    expectErrorStatusLogged(status) {
      expectProblem(
        new RegExp(
          `^console error: Failed to load resource: the server responded with a status of ${status} `,
        ),
      );
    },
  };
}

export interface MerchantSite {
  readonly origin: string;
  readonly successUrl: string;
  readonly cancelUrl: string;
  close(): Promise<void>;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The merchant's own site on 127.0.0.1: where success_url and cancel_url lead. */
export async function startMerchantSite(): Promise<MerchantSite> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const sessionId = url.searchParams.get('session_id') ?? '';
    const pages: Record<string, string> = {
      '/success': `<h1>Thank you for your order</h1><p>Checkout session: <code id="session-id">${escapeHtml(sessionId)}</code></p>`,
      '/cancel': '<h1>Checkout canceled</h1>',
      // A page that tries to frame a checkout page (frame-ancestors must refuse it).
      '/frame': `<h1>Framing attempt</h1><iframe id="frame" src="${escapeHtml(url.searchParams.get('src') ?? '')}"></iframe>`,
    };
    const body = pages[url.pathname];
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Merchant site</title></head><body>${body ?? '<h1>Not found</h1>'}</body></html>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    successUrl: `${origin}/success`,
    cancelUrl: `${origin}/cancel`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** The classic test card numbers the sandbox understands. */
export const CARDS = {
  visa: '4242 4242 4242 4242',
  declined: '4000 0000 0000 0002',
  insufficientFunds: '4000 0000 0000 9995',
  threeDSecure: '4000 0025 0000 3155',
} as const;

/** An expiry date a few years ahead, as a buyer types it. */
export function futureExpiry(): string {
  return `12 / ${String((new Date().getUTCFullYear() + 3) % 100).padStart(2, '0')}`;
}

export interface CardInput {
  /** null: leave the email field as it is. */
  readonly email?: string | null;
  readonly number: string;
  readonly expiry?: string;
  readonly cvc?: string;
}

export const BUYER_EMAIL = 'buyer@example.com';

/** Fills the form through its labels, as a buyer would. */
export async function fillCardForm(page: Page, card: CardInput): Promise<void> {
  if (card.email !== null) {
    await page.getByLabel('Email', { exact: true }).fill(card.email ?? BUYER_EMAIL);
  }
  await page.getByLabel('Card number', { exact: true }).fill(card.number);
  await page.getByLabel('Expiry date', { exact: true }).fill(card.expiry ?? futureExpiry());
  await page.getByLabel('Security code (CVC)', { exact: true }).fill(card.cvc ?? '123');
}

export const payButton = (page: Page) => page.getByRole('button', { name: /^Pay / });

const isPost = (path: RegExp) => (response: Response) =>
  response.request().method() === 'POST' && path.test(new URL(response.url()).pathname);

/**
 * Does `act` (a click, a key press) and waits for the form POST it sends to answer and
 * for the page it leads to to load; returns the POST's own response (a 303 or the page).
 */
export async function submitForm(
  page: Page,
  act: () => Promise<void>,
  path: RegExp = /\/(pay|authenticate)$/,
): Promise<Response> {
  const [response] = await Promise.all([
    page.waitForResponse(isPost(path)),
    page.waitForEvent('load'),
    act(),
  ]);
  return response;
}

/** Fills the card form and clicks Pay; see `submitForm`. */
export async function payWith(page: Page, card: CardInput): Promise<Response> {
  await fillCardForm(page, card);
  return submitForm(page, () => payButton(page).click());
}

/** The page's script-src is one nonce (and only that), the same one the page's script carries. */
export async function expectStrictCsp(response: Response | null): Promise<void> {
  expect(response, 'a response').not.toBeNull();
  const policy = (await response?.headerValue('content-security-policy')) ?? '';
  const directives = new Map(
    policy.split(';').map((d) => {
      const [name = '', ...sources] = d.trim().split(/\s+/);
      return [name, sources] as const;
    }),
  );
  const scriptSrc = directives.get('script-src') ?? [];
  expect(scriptSrc, policy).toHaveLength(1);
  expect(scriptSrc[0], policy).toMatch(/^'nonce-[A-Za-z0-9+/]{22}==?'$/);
  expect(directives.get('default-src'), policy).toEqual(["'none'"]);
  expect(directives.get('frame-ancestors'), policy).toEqual(["'none'"]);
  expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  const body = (await response?.text()) ?? '';
  const nonce = scriptSrc[0]?.slice("'nonce-".length, -1);
  for (const tag of body.match(/<script\b[^>]*>/g) ?? []) {
    expect(tag, 'every script carries the response nonce').toBe(`<script nonce="${nonce}">`);
  }
}

/** Reads a value in the page (the tests compile without the DOM typings). */
export function inPage<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate<T>(expression);
}

/** An element's rendered text (Playwright's `Locator.innerText`, not the DOM property). */
export function textOf(locator: Locator): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a buyer reads
  return locator.innerText();
}
