import type { WorkerScope } from '../adapters/db/repos/webhook-outbox-repo.js';
import { deliverDueMail, type MailSender } from '../app/mail/mail-delivery.js';
import { type PeriodicOptions, startCounting, type Worker } from './periodic.js';

export interface MailWorkerOptions extends PeriodicOptions {
  /** Mails leased and sent side by side per pass. */
  readonly batch?: number;
  readonly scope?: WorkerScope;
}

/**
 * The SMTP worker (live mode only, started when `FLINT_SMTP_URL` is set): every
 * `intervalMs` it sends the queued mail that is due. Any number of workers can run against
 * one database: each leases rows the others are not holding (`FOR UPDATE SKIP LOCKED`),
 * and a crashed worker's leases run out so another sends its mail.
 */
export function startMailDeliveryWorker(sender: MailSender, options: MailWorkerOptions): Worker {
  const input = { scope: options.scope ?? {}, limit: options.batch ?? 10 };
  const worker = startCounting('mail delivery', 'mail delivered', options, async () => ({
    ...(await deliverDueMail(sender, input)),
  }));
  return {
    async stop() {
      await worker.stop();
      sender.transport.close();
    },
  };
}
