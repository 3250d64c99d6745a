import type { Migration, MigrationProvider } from 'kysely';
import * as foundation from './0001-foundation.js';
import * as orders from './0002-orders.js';
import * as payments from './0003-payments.js';
import * as refunds from './0004-refunds.js';
import * as checkoutSessions from './0005-checkout-sessions.js';
import * as refundLineItems from './0006-refund-line-items.js';
import * as processorSettings from './0007-processor-settings.js';
import * as performanceIndexes from './0008-performance-indexes.js';
import * as eventsApi from './0009-events-api.js';
import * as webhooks from './0010-webhooks.js';
import * as paymentLinks from './0011-payment-links.js';
import * as hostedCheckout from './0012-hosted-checkout.js';
import * as consoleUsers from './0013-console.js';
import * as offlineRefunds from './0014-offline-refunds.js';
import * as instances from './0015-instances.js';
import * as signInFailures from './0016-sign-in-failures.js';
import * as paymentLinkCancelUrl from './0017-payment-link-cancel-url.js';
import * as paymentCards from './0018-payment-cards.js';
import * as invoices from './0019-invoices.js';
import * as dueJobs from './0020-due-jobs.js';
import * as mail from './0021-mail.js';
import * as invoicePdfs from './0023-invoice-pdfs.js';
import * as invoiceMail from './0024-invoice-mail.js';
import * as recoveryLinks from './0025-recovery-links.js';
import * as returns from './0026-returns.js';
import * as embeddedCheckout from './0027-embedded-checkout.js';
import * as eventSequence from './0028-event-sequence.js';
import * as paymentMethods from './0029-payment-methods.js';
import * as testClocksAndBalance from './0030-test-clocks-and-balance.js';
import * as plans from './0031-plans.js';
import * as subscriptions from './0032-subscriptions.js';
import * as setupSessions from './0033-setup-sessions.js';
import * as subscriptionBaseUrl from './0034-subscription-base-url.js';
import * as subscriptionPendingLines from './0035-subscription-pending-lines.js';
import * as dunningInvoiceOutcome from './0036-dunning-invoice-outcome.js';

/** Every migration, in order. Names sort lexicographically; never rename one that shipped. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-foundation': foundation,
  '0002-orders': orders,
  '0003-payments': payments,
  '0004-refunds': refunds,
  '0005-checkout-sessions': checkoutSessions,
  '0006-refund-line-items': refundLineItems,
  '0007-processor-settings': processorSettings,
  '0008-performance-indexes': performanceIndexes,
  '0009-events-api': eventsApi,
  '0010-webhooks': webhooks,
  '0011-payment-links': paymentLinks,
  '0012-hosted-checkout': hostedCheckout,
  '0013-console': consoleUsers,
  '0014-offline-refunds': offlineRefunds,
  '0015-instances': instances,
  '0016-sign-in-failures': signInFailures,
  '0017-payment-link-cancel-url': paymentLinkCancelUrl,
  '0018-payment-cards': paymentCards,
  '0019-invoices': invoices,
  '0021-mail': mail,
  '0020-due-jobs': dueJobs,
  '0023-invoice-pdfs': invoicePdfs,
  '0025-recovery-links': recoveryLinks,
  '0027-embedded-checkout': embeddedCheckout,
  '0024-invoice-mail': invoiceMail,
  '0026-returns': returns,
  '0032-subscriptions': subscriptions,
  '0031-plans': plans,
  '0029-payment-methods': paymentMethods,
  '0030-test-clocks-and-balance': testClocksAndBalance,
  '0028-event-sequence': eventSequence,
  '0033-setup-sessions': setupSessions,
  '0034-subscription-base-url': subscriptionBaseUrl,
  '0035-subscription-pending-lines': subscriptionPendingLines,
  '0036-dunning-invoice-outcome': dunningInvoiceOutcome,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
