import {
  deleteSignInFailures,
  deleteStaleSignInFailures,
  incrementSignInFailures,
  lockSignInKey,
  type SignInKey,
  selectSignInLock,
} from '../../adapters/db/repos/sign-in-failures-repo.js';
import {
  DEFAULT_SIGN_IN_LIMITS,
  FAILURE_WINDOW_MS,
  lockedUntil,
  type SignInLimits,
  thresholdOf,
} from '../../domain/sign-in-backoff.js';
import type { Deps } from '../shared/deps.js';
import { signIn } from './console-users.js';

export type SignInAnswer =
  | { readonly kind: 'signed_in'; readonly token: string }
  | { readonly kind: 'wrong' }
  | { readonly kind: 'locked'; readonly until: Date };

/**
 * A console sign-in from `address`, counted in the database so every process agrees:
 * while the email or the address is locked nothing is checked (the right password too
 * waits); a failure counts for both and may lock them; a success clears its email.
 */
export async function signInFrom(
  deps: Deps,
  {
    address,
    email,
    password,
  }: { readonly address: string; readonly email: string; readonly password: string },
  { limits = DEFAULT_SIGN_IN_LIMITS }: { readonly limits?: SignInLimits | undefined } = {},
): Promise<SignInAnswer> {
  const keys: SignInKey[] = [
    { subject: 'email', value: email.trim().toLowerCase() },
    { subject: 'address', value: address },
  ];
  const locked = await selectSignInLock(deps.db, keys, deps.clock.now());
  if (locked) return { kind: 'locked', until: locked };
  const token = await signIn(deps, email, password);
  if (token) {
    await deleteSignInFailures(deps.db, keys[0] as SignInKey);
    return { kind: 'signed_in', token };
  }
  await recordFailure(deps, keys, limits);
  return { kind: 'wrong' };
}

async function recordFailure(deps: Deps, keys: readonly SignInKey[], limits: SignInLimits) {
  const now = deps.clock.now();
  const windowStart = new Date(now.getTime() - FAILURE_WINDOW_MS);
  const counted = await incrementSignInFailures(deps.db, keys, now, windowStart);
  for (const key of counted) {
    const until = lockedUntil(key.failures, thresholdOf(limits, key.subject), now);
    if (until) await lockSignInKey(deps.db, key, until);
  }
  await deleteStaleSignInFailures(deps.db, windowStart, now);
}
