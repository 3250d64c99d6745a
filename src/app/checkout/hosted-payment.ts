import { selectAccountById } from '../../adapters/db/repos/accounts-repo.js';
import { selectProcessorSettings } from '../../adapters/db/repos/processor-settings-repo.js';
import type { PaymentIntentRow } from '../../adapters/db/schema.js';
import type { Result } from '../../domain/errors.js';
import type { Tenant } from '../../domain/tenant.js';
import type { Processors } from '../../ports/payment-processor.js';
import type { Actor } from '../events/record-events.js';
import { authenticateForTest } from '../payments/payment-actions.js';
import { settle } from '../payments/settle-payment.js';
import type { CommandContext } from '../shared/command-context.js';
import type { Deps } from '../shared/deps.js';

// The buyer's card payment on a hosted page, whatever the page pays (a checkout session,
// an invoice): the charge of one form attempt, the 3-D Secure step (the sandbox's
// simulated bank or Stripe's own), and what the buyer sees next. No API key: the page's
// token is the capability, and its row names the account and mode.

/**
 * The request-key prefixes of the payments made on Flint's public pages (checkout and
 * payment links, the invoice page, recovery links): `<prefix><id>:<attempt>`.
 */
const HOSTED_PAGE_KEY = /^(checkout|invoice|recovery):/;

/**
 * Whether a payment was made on a public page, where anyone may type any email address
 * (so nothing is mailed to it unasked); else it came through the API, from the merchant.
 */
export function madeOnHostedPage(requestKey: string | null): boolean {
  return requestKey !== null && HOSTED_PAGE_KEY.test(requestKey);
}

/** What every hosted page that takes a card knows. */
export interface PayingPage {
  readonly tenant: Tenant;
  readonly merchantName: string;
  /** The processor a payment made now would go through. */
  readonly processor: 'sandbox' | 'stripe';
  /** Stripe mode: the account's publishable key for Stripe.js (null until it sets one). */
  readonly stripePublishableKey: string | null;
  /** A payment made on this page waiting for the buyer's 3-D Secure step, if any. */
  readonly waiting: PaymentIntentRow | null;
}

/** How the shared steps see one kind of page. */
export interface PaymentPageFlow<P extends PayingPage> {
  /** Who pays on the page (the events' author): the session, the invoice. */
  actorOf(page: P): Actor;
  /** The prefix of the request keys of the page's payments (`<prefix><attempt>`). */
  attemptPrefix(page: P): string;
  /** Whether the page still takes a payment. */
  isOpen(page: P): boolean;
  /** Whether what the page collects is paid in full. */
  isPaid(page: P): boolean;
  /** The page again, as it is now (after a payment moved). */
  reload(page: P): Promise<P>;
}

/** What the buyer sees next, after a payment's answer. */
export type HostedPayment<P> =
  | { readonly kind: 'paid'; readonly page: P }
  /** A payment succeeded and something is still left to pay (a partial payment). */
  | { readonly kind: 'received'; readonly page: P }
  | { readonly kind: 'requires_action'; readonly page: P; readonly intentId: string }
  | { readonly kind: 'declined'; readonly page: P; readonly declineCode: string }
  | { readonly kind: 'not_open'; readonly page: P }
  | { readonly kind: 'busy'; readonly page: P }
  | { readonly kind: 'unavailable'; readonly page: P };

/** What a page's commands are given: the server's services and the page's flow. */
export interface HostedPageContext<P extends PayingPage>
  extends Pick<CommandContext, 'deps' | 'processors'> {
  readonly flow: PaymentPageFlow<P>;
}

/** A page's merchant and how a payment made on it now would be taken (no payment yet). */
export async function payingSetupOf(
  { deps, processors }: { readonly deps: Deps; readonly processors: Processors },
  tenant: Tenant,
): Promise<Omit<PayingPage, 'waiting'>> {
  const [account, processor] = await Promise.all([
    selectAccountById(deps.db, tenant.accountId),
    processors.forNewPayments(tenant).then(
      (p) => p.name,
      // Its credentials cannot be opened: the page still shows; paying reports the cause.
      () => 'sandbox' as const,
    ),
  ]);
  // Only a Stripe page needs the publishable key: sandbox pages skip the read.
  const settings = processor === 'stripe' ? await selectProcessorSettings(deps.db, tenant) : null;
  return {
    tenant,
    merchantName: account?.name ?? '',
    processor,
    stripePublishableKey: settings?.stripe_publishable_key ?? null,
  };
}

/** The page's payment waiting for the buyer's 3-D Secure step (made on this page), if any. */
export function waitingPaymentOf(
  payments: readonly PaymentIntentRow[],
  attemptPrefix: string,
): PaymentIntentRow | null {
  return (
    payments.find(
      (p) => p.status === 'requires_action' && p.request_key?.startsWith(attemptPrefix),
    ) ?? null
  );
}

/** A command's context on the page: the buyer acts as the page's object. */
function commandContext<P extends PayingPage>(
  { deps, processors, flow }: HostedPageContext<P>,
  page: P,
  requestKey: string | null = null,
): CommandContext {
  return { deps, processors, tenant: page.tenant, actor: flow.actorOf(page), requestKey };
}

/**
 * Pays with the page's form. Each rendering of the form carries its own attempt id, and
 * the attempt is the payment's request key: a double-submitted form (two clicks, a reload
 * of the POST) resumes the same payment and charges once. `pay` is the page's own path
 * into its order (`payOrder`, `payInvoice`); a payment it did not need is `null`.
 */
export async function payOnPage<P extends PayingPage>(
  ctx: HostedPageContext<P>,
  input: {
    readonly page: P;
    readonly attempt: string;
    readonly pay: (
      command: CommandContext,
    ) => Promise<Result<{ readonly paymentIntent: PaymentIntentRow | null }>>;
  },
): Promise<HostedPayment<P>> {
  const { flow } = ctx;
  const { page } = input;
  if (!flow.isOpen(page)) return { kind: 'not_open', page };
  const paid = await input.pay(commandContext(ctx, page, flow.attemptPrefix(page) + input.attempt));
  const after = await flow.reload(page);
  if (!paid.ok) {
    if (!flow.isOpen(after)) return { kind: 'not_open', page: after };
    return paid.error.code === 'processor_unavailable' ||
      paid.error.code === 'processor_not_configured'
      ? { kind: 'unavailable', page: after }
      : { kind: 'busy', page: after };
  }
  const intent = paid.value.paymentIntent;
  if (!intent)
    return flow.isPaid(after) ? { kind: 'paid', page: after } : nothingWaiting(ctx, after);
  return outcomeOf(flow, after, intent);
}

/** What saving a card answered: saved (the page then completes), or the processor's refusal. */
export type CardSaved =
  | { readonly kind: 'saved' }
  | { readonly kind: 'declined'; readonly declineCode: string };

/**
 * Saves the buyer's card with the page's form, for a page that takes no payment (a setup
 * session): as `payOnPage`, the form's attempt is the request key, so a double-submitted
 * form saves the card once. `save` is the page's own path (save, then complete the page);
 * the page is `paid` (done) once its flow says so.
 */
export async function saveOnPage<P extends PayingPage>(
  ctx: HostedPageContext<P>,
  input: {
    readonly page: P;
    readonly attempt: string;
    readonly save: (command: CommandContext) => Promise<Result<CardSaved>>;
  },
): Promise<HostedPayment<P>> {
  const { flow } = ctx;
  const { page } = input;
  if (!flow.isOpen(page)) return { kind: 'not_open', page };
  const saved = await input.save(
    commandContext(ctx, page, flow.attemptPrefix(page) + input.attempt),
  );
  const after = await flow.reload(page);
  if (flow.isPaid(after)) return { kind: 'paid', page: after };
  if (!flow.isOpen(after)) return { kind: 'not_open', page: after };
  if (!saved.ok) {
    return saved.error.code === 'processor_unavailable' ||
      saved.error.code === 'processor_not_configured'
      ? { kind: 'unavailable', page: after }
      : { kind: 'busy', page: after };
  }
  return saved.value.kind === 'declined'
    ? { kind: 'declined', page: after, declineCode: saved.value.declineCode }
    : { kind: 'busy', page: after };
}

/** What the buyer sees next, from where a payment of the page now stands. */
function outcomeOf<P extends PayingPage>(
  flow: PaymentPageFlow<P>,
  after: P,
  intent: PaymentIntentRow,
): HostedPayment<P> {
  switch (intent.status) {
    case 'succeeded':
      return { kind: flow.isPaid(after) ? 'paid' : 'received', page: after };
    case 'requires_action':
      return { kind: 'requires_action', page: after, intentId: intent.id };
    case 'failed':
      return declined(after, intent);
    default:
      return { kind: 'busy', page: after };
  }
}

function declined<P>(after: P, intent: PaymentIntentRow): HostedPayment<P> {
  return { kind: 'declined', page: after, declineCode: intent.failure_code ?? 'card_declined' };
}

/** Nothing waits for the buyer's 3-D Secure step: the page as it stands. */
function nothingWaiting<P extends PayingPage>(
  { flow }: HostedPageContext<P>,
  page: P,
): HostedPayment<P> {
  return flow.isOpen(page) ? { kind: 'busy', page } : { kind: 'not_open', page };
}

/**
 * The buyer's answer on the simulated 3-D Secure page (sandbox): the waiting payment
 * succeeds or fails. Only a payment this page started, and still waiting, moves.
 */
export async function authenticateOnPage<P extends PayingPage>(
  ctx: HostedPageContext<P>,
  { page, result }: { readonly page: P; readonly result: 'succeed' | 'fail' },
): Promise<HostedPayment<P>> {
  const waiting = page.waiting;
  if (!waiting) return nothingWaiting(ctx, page);
  const answered = await authenticateForTest(
    { deps: ctx.deps, tenant: page.tenant },
    { paymentIntentId: waiting.id, result },
  );
  const after = await ctx.flow.reload(page);
  if (!answered.ok) return { kind: 'busy', page: after };
  const intent = answered.value.paymentIntent;
  return intent.status === 'succeeded'
    ? outcomeOf(ctx.flow, after, intent)
    : declined(after, intent);
}

/**
 * Stripe mode: what the buyer's browser needs for Stripe's own 3-D Secure step (the
 * waiting payment's client secret); null when nothing waits there.
 */
export async function buyerActionOf(
  processors: Processors,
  page: PayingPage,
): Promise<{ readonly clientSecret: string } | null> {
  const waiting = page.waiting;
  if (!waiting?.processor_payment_id) return null;
  const processor = await processors.named(page.tenant, waiting.processor);
  return processor.buyerAction({
    processorPaymentId: waiting.processor_payment_id,
    paymentSource: waiting.payment_source,
  });
}

/**
 * Stripe mode: the buyer finished Stripe's 3-D Secure step; Flint asks Stripe where the
 * payment stands and records it (Stripe's webhook may record it first: it counts once).
 */
export async function confirmOnPage<P extends PayingPage>(
  ctx: HostedPageContext<P>,
  { page }: { readonly page: P },
): Promise<HostedPayment<P>> {
  const waiting = page.waiting;
  if (!waiting?.processor_payment_id) return nothingWaiting(ctx, page);
  const processor = await ctx.processors.named(page.tenant, waiting.processor);
  const outcome = await processor.paymentOutcome({
    processorPaymentId: waiting.processor_payment_id,
    paymentSource: waiting.payment_source,
  });
  if (outcome && outcome.status !== 'requires_action') {
    await settle(commandContext(ctx, page), { intent: waiting, outcome });
  }
  const after = await ctx.flow.reload(page);
  if (ctx.flow.isPaid(after)) return { kind: 'paid', page: after };
  if (outcome?.status === 'failed') {
    return { kind: 'declined', page: after, declineCode: outcome.declineCode };
  }
  if (after.waiting) return { kind: 'requires_action', page: after, intentId: after.waiting.id };
  return outcome?.status === 'succeeded'
    ? { kind: 'received', page: after }
    : { kind: 'busy', page: after };
}
