// How /docs presents the API: the reference tool's own buttons off, orders first.

/**
 * The OpenAPI document's tags in the order the reference lists them: the order-first
 * core, then the catalogue, then what developers and operators set up; the processor's
 * own webhook route, which no client calls, last.
 */
export const API_TAGS = [
  'Orders',
  'Payments',
  'Refunds',
  'Checkout sessions',
  'Payment links',
  'Customers',
  'Products',
  'Prices',
  'Coupons',
  'Tax rates',
  'Events',
  'Webhook endpoints',
  'API keys',
  'Processor',
  'Console users',
  'Accounts',
  'Admin',
  'Test helpers',
  'Processor webhooks',
] as const;

/**
 * Scalar's configuration: the local OpenAPI document, no outside fonts, and none of its
 * own offers (the developer toolbar's "Deploy" and "Generate SDK", the "Ask AI" agent,
 * which it turns on by itself on localhost). Tags keep the document's order.
 */
export const DOCS_CONFIGURATION = {
  url: '/openapi.json',
  withDefaultFonts: false,
  title: 'Flint API reference',
  showDeveloperTools: 'never',
  agent: { disabled: true },
  mcp: { disabled: true },
} as const;
