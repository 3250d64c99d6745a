import { expireDueCheckoutSessions } from '../app/checkout/checkout-sessions.js';
import type { Deps } from '../app/shared/deps.js';
import { type PeriodicOptions, startCounting, type Worker } from './periodic.js';

/** Every `intervalMs`, expires the open checkout sessions past their `expires_at`. */
export function startCheckoutSessionExpiry(deps: Deps, options: PeriodicOptions): Worker {
  return startCounting(
    'checkout session expiry',
    'checkout sessions expired',
    options,
    async () => ({ expired: await expireDueCheckoutSessions(deps) }),
  );
}
