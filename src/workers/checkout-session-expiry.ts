import { expireDueCheckoutSessions } from '../app/checkout/checkout-sessions.js';
import type { Deps } from '../app/shared/deps.js';
import { countingJob } from './periodic.js';

/** Every `intervalMs`, expires the open checkout sessions past their `expires_at`. */
export const startCheckoutSessionExpiry = countingJob(
  'checkout session expiry',
  'checkout sessions expired',
  async (deps: Deps) => ({ expired: await expireDueCheckoutSessions(deps) }),
);
