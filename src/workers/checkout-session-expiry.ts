import type { Logger } from 'pino';
import { expireDueCheckoutSessions } from '../app/checkout/checkout-sessions.js';
import type { Deps } from '../app/shared/deps.js';
import { startPeriodic, type Worker } from './periodic.js';

/** Every `intervalMs`, expires the open checkout sessions past their `expires_at`. */
export function startCheckoutSessionExpiry(
  deps: Deps,
  options: { readonly intervalMs: number; readonly logger?: Logger | undefined },
): Worker {
  return startPeriodic(
    'checkout session expiry',
    options.intervalMs,
    async () => {
      const expired = await expireDueCheckoutSessions(deps);
      if (expired > 0) options.logger?.info({ expired }, 'checkout sessions expired');
    },
    options.logger,
  );
}
