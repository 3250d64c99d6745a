import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ChangeContext } from '../../../app/shared/command-context.js';
import type { Deps } from '../../../app/shared/deps.js';
import type { ConsoleFrame } from '../../../pages/console-frame.js';
import type { Csrf } from '../../csrf.js';
import type { Form } from '../../form-fields.js';
import { answered, sendMessagePage } from '../../page-reply.js';

/** The signed-in user's frame, or null (the console's `consoleFrame`). */
export type FrameOf = (
  request: FastifyRequest,
  reply: FastifyReply,
) => Promise<ConsoleFrame | null>;

/** A console form that changes nothing: why, as a page (403 by default: not allowed). */
export function refused(reply: FastifyReply, message: string, status = 403) {
  return sendMessagePage(reply, status, status === 403 ? 'Not allowed' : 'Not done', message);
}

/**
 * A form posted by a signed-in user who may change things (not a viewer), with its CSRF
 * token checked; otherwise null, the reply sent (the sign-in page, or a 403).
 */
export async function actingUser(
  { csrf, frameOf }: { readonly csrf: Csrf; readonly frameOf: FrameOf },
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<{ f: ConsoleFrame; body: Form } | null> {
  const f = await frameOf(request, reply);
  if (!f) return answered(reply.redirect('/console/login', 303));
  const body = (request.body ?? {}) as Form;
  if (!csrf.verify(request, `console:${f.user.id}`, body.csrf_token)) {
    return answered(refused(reply, 'This form expired or was not sent from the console.'));
  }
  if (f.user.role === 'viewer')
    return answered(refused(reply, 'Viewers can look but not change anything.'));
  return { f, body };
}

/** What an action form of the console needs to check who posted it and act for them. */
export interface OperatorForms {
  readonly deps: Deps;
  readonly csrf: Csrf;
  readonly frameOf: FrameOf;
}

/**
 * An action form (see `actingUser`) with the command context its user acts in: their
 * account and mode, as the console user; otherwise null, the reply sent.
 */
export async function operatorForm(
  options: OperatorForms,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<{ f: ConsoleFrame; form: Form; ctx: ChangeContext } | null> {
  const acting = await actingUser(options, request, reply);
  if (!acting) return null;
  const { f, body } = acting;
  const ctx: ChangeContext = {
    deps: options.deps,
    tenant: { accountId: f.account.id, mode: f.mode },
    actor: { type: 'console_user', id: f.user.id },
  };
  return { f, form: body, ctx };
}
