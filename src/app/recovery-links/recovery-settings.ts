import {
  selectRecoverySettings,
  upsertRecoverySettings,
} from '../../adapters/db/repos/recovery-links-repo.js';
import type { TenantContext } from '../shared/command-context.js';

/** An account's recovery settings in one mode. */
export interface RecoverySettings {
  /** Whether an expired checkout or an abandoned 3-D Secure payment gets a link by mail. */
  readonly automatic_recovery: boolean;
}

export function getRecoverySettings({ deps, tenant }: TenantContext): Promise<RecoverySettings> {
  return selectRecoverySettings(deps.db, tenant);
}

/** Sets what is given; the rest stays. */
export async function updateRecoverySettings(
  ctx: TenantContext,
  input: { readonly automatic_recovery?: boolean | undefined },
): Promise<RecoverySettings> {
  const current = await getRecoverySettings(ctx);
  const next = { automatic_recovery: input.automatic_recovery ?? current.automatic_recovery };
  await upsertRecoverySettings(ctx.deps.db, ctx.tenant, next);
  return next;
}
