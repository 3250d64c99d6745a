import type { Kysely } from 'kysely';
import { selectAccountById } from '../../adapters/db/repos/accounts-repo.js';
import { selectCustomerById } from '../../adapters/db/repos/customers-repo.js';
import { lockOrder, selectOrderAggregate } from '../../adapters/db/repos/orders-repo.js';
import {
  selectRecoveryLinkBySource,
  selectRecoverySettings,
} from '../../adapters/db/repos/recovery-links-repo.js';
import type { Database, PaymentIntentRow } from '../../adapters/db/schema.js';
import { formatMoney } from '../../domain/money-format.js';
import type { RecoveryLinkSource } from '../../domain/recovery-links/recovery-link-values.js';
import { type RecoveryLinkView, recoveryLinkUrl } from '../../resources/recovery-link.js';
import { madeOnHostedPage } from '../checkout/hosted-payment.js';
import { queueMail } from '../mail/queue-mail.js';
import { type MailTemplate, renderMail } from '../mail/render-mail.js';
import type { ChangeContext } from '../shared/command-context.js';
import { makeRecoveryLinkIn } from './create-recovery-link.js';

/** What automatic recovery answers: the link it made and whether it mailed the buyer. */
export interface Recovered {
  readonly view: RecoveryLinkView;
  readonly mailedTo: string | null;
}

/**
 * Automatic recovery (an account setting, off by default): when a checkout session expires
 * or a payment's 3-D Secure hold is abandoned, and the order still has a balance, Flint
 * makes a recovery link and mails the buyer — in the caller's transaction, so the link, its
 * event and the mail exist exactly when the change that prompted them commits. Once per
 * source (`source_id` is unique); the buyer is the order's customer's email, else the
 * email of the abandoned payment or of the last payment that had one — only those the
 * merchant gave (through the API): an address typed on a public page (checkout, a payment
 * link, an invoice or recovery page) is anyone's to type, and is not mailed unasked. None:
 * the link alone. Null: nothing to do (the setting is off, it was done, or nothing is
 * owed). Takes the order's lock.
 */
export async function recoverAutomatically(
  tx: Kysely<Database>,
  ctx: ChangeContext,
  p: {
    readonly orderId: string;
    readonly source: Exclude<RecoveryLinkSource, 'api'>;
    readonly sourceId: string;
    /** The abandoned payment (its email and how it was made), if that is the source. */
    readonly payment?: MailablePayment | undefined;
    readonly now: Date;
  },
): Promise<Recovered | null> {
  const { tenant } = ctx;
  const settings = await selectRecoverySettings(tx, tenant);
  if (!settings.automatic_recovery) return null;
  await lockOrder(tx, tenant, p.orderId);
  if (await selectRecoveryLinkBySource(tx, tenant, p.sourceId)) return null;
  const made = await makeRecoveryLinkIn(tx, ctx, {
    orderId: p.orderId,
    source: p.source,
    sourceId: p.sourceId,
    expiresAt: null,
    metadata: {},
    now: p.now,
  });
  if (!made.ok) return null;
  const view = made.value;
  const to = await buyerEmailOf(tx, ctx, { orderId: p.orderId, payment: p.payment });
  if (!to) return { view, mailedTo: null };
  const account = await selectAccountById(tx, tenant.accountId);
  const mail = recoveryMail({
    view,
    merchant: account?.name || 'The merchant',
    publicUrl: ctx.deps.publicUrl,
  });
  await queueMail(tx, tenant, {
    to,
    kind: 'recovery',
    object: { type: 'recovery_link', id: view.link.id },
    dedupeKey: `recovery:${view.link.id}`,
    now: p.now,
    ...renderMail(mail),
  });
  return { view, mailedTo: to };
}

/** The order's buyer: its customer's email, else the last payment's that had one. */
async function buyerEmailOf(
  tx: Kysely<Database>,
  { tenant }: ChangeContext,
  { orderId, payment }: { readonly orderId: string; readonly payment?: MailablePayment },
): Promise<string | null> {
  const aggregate = await selectOrderAggregate(tx, tenant, orderId);
  if (!aggregate) return null;
  const customerId = aggregate.order.customer_id;
  const customer = customerId ? await selectCustomerById(tx, tenant, customerId) : undefined;
  if (customer?.email) return customer.email;
  const given = [payment, ...[...aggregate.payments].reverse()].find(
    (p) => p?.buyer_email && !madeOnHostedPage(p.request_key),
  );
  return given?.buyer_email ?? null;
}

type MailablePayment = Pick<PaymentIntentRow, 'buyer_email' | 'request_key'>;

/** The mail that brings the buyer back: what is left to pay, and the link to pay it. */
export function recoveryMail({
  view,
  merchant,
  publicUrl,
}: {
  readonly view: RecoveryLinkView;
  readonly merchant: string;
  readonly publicUrl: string | undefined;
}): MailTemplate {
  const amount = formatMoney(view.order.balance, view.order.currency);
  const path = `/recover/${view.link.token}`;
  return {
    subject: `Complete your payment to ${merchant}`,
    heading: 'Your payment is not complete yet',
    paragraphs: [
      `Your order with ${merchant} still has ${amount} to pay. Nothing more was charged.`,
      publicUrl
        ? 'Use the button below to pay what is left, securely, with your card.'
        : `Pay what is left on the merchant's payment page: ${path}`,
    ],
    rows: [
      { label: 'Amount due', value: amount },
      { label: 'Order', value: view.order.id },
    ],
    action: publicUrl
      ? { label: 'Complete payment', url: recoveryLinkUrl(publicUrl, view.link.token) }
      : undefined,
    footer: `You receive this because a payment to ${merchant} was not completed. If you have paid since, ignore this mail.`,
  };
}
