import type { JobKind } from '../jobs/job-kinds.js';
import { moveRecoveryLinkIn } from './recovery-link-actions.js';

/** The link a job is about. */
interface LinkPayload {
  readonly recovery_link_id: string;
}

/**
 * A link given an `expires_at` expires then (`recovery_link.expired`), scheduled with the
 * link (`recovery_link:<id>:expire`). One completed or deactivated first stays as it is;
 * its page refuses payment past `expires_at` even before this runs.
 */
export const RECOVERY_LINK_EXPIRY: JobKind<LinkPayload> = {
  kind: 'recovery_link.expire',
  async run(ctx, job) {
    await ctx.complete((tx) =>
      moveRecoveryLinkIn(tx, ctx, { id: job.payload.recovery_link_id, action: 'expire' }),
    );
  },
};
