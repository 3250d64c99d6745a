import { describe, expect, it } from 'vitest';
import { browserSuite, screenshot, skipBrowserTests, textOf } from './browser.js';

// /docs in a browser: the API reference without the tool's own offers, orders first.

describe.skipIf(skipBrowserTests)('the API reference at /docs', () => {
  const suite = browserSuite();

  it('shows no "Deploy", "Ask AI" or "Generate SDK" button; its sidebar leads with orders and ends with the Stripe webhook', async () => {
    const { page } = await suite.openTab({ viewport: { width: 1280, height: 900 } });
    // Chromium asks for /favicon.ico, which Flint does not serve.
    await page.route('**/favicon.ico', (route) => route.fulfill({ status: 204 }));
    // The server answers on 127.0.0.1, where the tool would show its toolbar and agent.
    await page.goto(`${suite.server.url}/docs`);
    await page.getByText('Create an order; totals are computed').first().waitFor();
    await screenshot(page, 'docs-1280');
    for (const name of [/deploy/i, /ask ai/i, /generate sdk/i, /generate mcp/i]) {
      expect(await page.getByRole('button', { name }).count(), String(name)).toBe(0);
    }
    const text = await textOf(page.locator('body'));
    expect(text).not.toMatch(/Ask AI|Generate SDK|Deploy/);
    const lines = text.split('\n').map((line) => line.trim());
    const at = (tag: string) => lines.indexOf(tag);
    // Orders come first (after the introduction), the processor's webhook route last.
    expect(lines.slice(0, at('Orders')).join(' | ')).not.toMatch(/HTTP METHOD/);
    const order = ['Orders', 'Payments', 'Refunds', 'Checkout sessions', 'Processor webhooks'];
    const positions = order.map(at);
    expect(
      positions.every((p) => p >= 0),
      positions.join(),
    ).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(at('Processor webhooks')).toBeGreaterThan(at('Test helpers'));
  }, 60_000);
});
