import { createHash, randomBytes } from 'node:crypto';
import type { Page, PageRequest } from '../../adapters/db/pagination.js';
import {
  deleteConsoleSession,
  deleteConsoleSessionsOf,
  insertConsoleSession,
  insertConsoleUser,
  listConsoleUsers as listRows,
  selectConsoleSession,
  selectConsoleUser,
  selectConsoleUserByEmail,
  selectConsoleUserByInvite,
  updateConsoleUser as updateRow,
} from '../../adapters/db/repos/console-repo.js';
import type { ConsoleRole, ConsoleUserRow } from '../../adapters/db/schema-console.js';
import { hashPassword, verifyPassword } from '../../adapters/passwords.js';
import { type Failure, fail, missing, ok, type Result } from '../../domain/errors.js';
import type { Update } from '../shared/command-context.js';
import type { Deps } from '../shared/deps.js';
import { newId } from '../shared/ids.js';

// The console's people: invited by email through the API (a one-time link to set the
// password), signed in with email and password, kept signed in by a session cookie.

export const INVITE_LIFETIME_MS = 7 * 24 * 3600_000;
export const SESSION_LIFETIME_MS = 12 * 3600_000;
export const MIN_PASSWORD_LENGTH = 12;

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');
const newToken = () => randomBytes(32).toString('base64url');

export interface ConsoleUserInput {
  readonly email: string;
  readonly role: ConsoleRole;
  readonly name?: string | undefined;
  readonly refund_limit?: number | undefined;
}

/** An email belongs to one console user anywhere; `loc` names the field that gave it. */
export function emailTaken(loc: readonly string[]): Failure {
  return {
    code: 'console_user_exists',
    message: 'A console user with this email already exists',
    loc,
  };
}

export interface Invited {
  readonly user: ConsoleUserRow;
  /** Shown once: the link's secret part. */
  readonly inviteToken: string;
}

function invite(now: Date) {
  const token = newToken();
  return {
    token,
    columns: {
      invite_token_hash: sha256(token),
      invite_expires_at: new Date(now.getTime() + INVITE_LIFETIME_MS),
    },
  };
}

/** Adds a user to the account, waiting for them to set a password through the invite. */
export async function inviteConsoleUser(
  deps: Deps,
  accountId: string,
  input: ConsoleUserInput,
): Promise<Result<Invited>> {
  if (await selectConsoleUserByEmail(deps.db, input.email)) {
    return fail(emailTaken(['console_user', 'email']));
  }
  const now = deps.clock.now();
  const { token, columns } = invite(now);
  const user: ConsoleUserRow = {
    id: newId('cu'),
    account_id: accountId,
    email: input.email,
    name: input.name ?? null,
    role: input.role,
    refund_limit: input.role === 'support' ? (input.refund_limit ?? 0) : null,
    password_hash: null,
    ...columns,
    disabled_at: null,
    created_at: now,
    updated_at: now,
  };
  try {
    await insertConsoleUser(deps.db, user);
  } catch (error) {
    if ((error as { code?: string }).code === '23505') {
      return fail(emailTaken(['console_user', 'email']));
    }
    throw error;
  }
  return ok({ user, inviteToken: token });
}

/** The account's console users, newest first. */
export async function listConsoleUsers(
  deps: Deps,
  accountId: string,
  page: PageRequest,
): Promise<Page<ConsoleUserRow>> {
  return listRows(deps.db, accountId, page);
}

export interface ConsoleUserChanges {
  readonly role?: ConsoleRole | undefined;
  readonly name?: string | null | undefined;
  readonly refund_limit?: number | null | undefined;
  readonly disabled?: boolean | undefined;
}

/** Changes a user's role, limit or name, or disables them (which signs them out). */
export async function updateConsoleUser(
  { deps, accountId }: { readonly deps: Deps; readonly accountId: string },
  { id, changes }: Update<ConsoleUserChanges>,
): Promise<Result<ConsoleUserRow>> {
  const current = await selectConsoleUser(deps.db, accountId, id);
  if (!current) return fail(missing('console user'));
  const now = deps.clock.now();
  const role = changes.role ?? current.role;
  const next: ConsoleUserRow = {
    ...current,
    role,
    name: changes.name === undefined ? current.name : changes.name,
    refund_limit:
      role === 'support'
        ? changes.refund_limit === undefined
          ? (current.refund_limit ?? 0)
          : (changes.refund_limit ?? 0)
        : null,
    disabled_at:
      changes.disabled === undefined ? current.disabled_at : changes.disabled ? now : null,
    updated_at: now,
  };
  await updateRow(deps.db, id, {
    role: next.role,
    name: next.name,
    refund_limit: next.refund_limit,
    disabled_at: next.disabled_at,
    updated_at: now,
  });
  if (next.disabled_at) await deleteConsoleSessionsOf(deps.db, id);
  return ok(next);
}

/** A new one-time link for a user (a lost invite, or a forgotten password). */
export async function reinviteConsoleUser(
  deps: Deps,
  accountId: string,
  id: string,
): Promise<Result<Invited>> {
  const current = await selectConsoleUser(deps.db, accountId, id);
  if (!current) return fail(missing('console user'));
  const now = deps.clock.now();
  const { token, columns } = invite(now);
  await updateRow(deps.db, id, { ...columns, updated_at: now });
  return ok({ user: { ...current, ...columns, updated_at: now }, inviteToken: token });
}

/** The user an unexpired invite token is for. */
export async function userOfInvite(deps: Deps, token: string): Promise<ConsoleUserRow | null> {
  const user = await selectConsoleUserByInvite(deps.db, sha256(token));
  if (!user || user.disabled_at || !user.invite_expires_at) return null;
  return user.invite_expires_at > deps.clock.now() ? user : null;
}

/** Sets the password from an invite (once: the token is then spent) and signs in. */
export async function acceptInvite(
  deps: Deps,
  token: string,
  password: string,
): Promise<Result<{ user: ConsoleUserRow; sessionToken: string }>> {
  const user = await userOfInvite(deps, token);
  if (!user) {
    return fail({ code: 'invite_invalid', message: 'This link has expired or was already used' });
  }
  if (password.length < MIN_PASSWORD_LENGTH || password.length > 256) {
    return fail({
      code: 'password_invalid',
      message: `Choose a password of ${MIN_PASSWORD_LENGTH} to 256 characters`,
      loc: ['password'],
    });
  }
  const now = deps.clock.now();
  await updateRow(deps.db, user.id, {
    password_hash: await hashPassword(password),
    invite_token_hash: null,
    invite_expires_at: null,
    updated_at: now,
  });
  await deleteConsoleSessionsOf(deps.db, user.id);
  return ok({ user, sessionToken: await startSession(deps, user.id) });
}

async function startSession(deps: Deps, userId: string): Promise<string> {
  const token = newToken();
  const now = deps.clock.now();
  await insertConsoleSession(deps.db, {
    token_hash: sha256(token),
    user_id: userId,
    created_at: now,
    expires_at: new Date(now.getTime() + SESSION_LIFETIME_MS),
  });
  return token;
}

// Compared against when the email is unknown, so a wrong email takes as long as a wrong
// password and the answer does not tell which accounts exist.
let decoy: Promise<string> | undefined;

/** A session token for a right email and password; null otherwise (the same for both). */
export async function signIn(deps: Deps, email: string, password: string): Promise<string | null> {
  const user = await selectConsoleUserByEmail(deps.db, email.trim());
  decoy ??= hashPassword(newToken());
  const stored = user?.password_hash ?? (await decoy);
  const right = await verifyPassword(stored, password);
  if (!user?.password_hash || user.disabled_at || !right) return null;
  return startSession(deps, user.id);
}

/** The signed-in user a session token is for, or null. */
export async function userOfSession(deps: Deps, token: string): Promise<ConsoleUserRow | null> {
  return (await selectConsoleSession(deps.db, sha256(token), deps.clock.now())) ?? null;
}

export async function signOut(deps: Deps, token: string): Promise<void> {
  await deleteConsoleSession(deps.db, sha256(token));
}
