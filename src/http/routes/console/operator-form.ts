import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ChangeContext } from '../../../app/shared/command-context.js';
import type { Deps } from '../../../app/shared/deps.js';
import type { ConsoleFrame } from '../../../pages/console-frame.js';
import type { Csrf } from '../../csrf.js';
import type { Form } from '../../form-fields.js';
import { answered, sendMessagePage } from '../../page-reply.js';

/** What an action form of the console needs to check who posted it. */
export interface OperatorForms {
  readonly deps: Deps;
  readonly csrf: Csrf;
  readonly frameOf: (request: FastifyRequest, reply: FastifyReply) => Promise<ConsoleFrame | null>;
}

/**
 * An action form posted by a signed-in user who may change things (not a viewer), its
 * CSRF token checked: the user's frame, the form and the command context they act in;
 * otherwise null, the reply sent (the sign-in page, or a 403 page).
 */
export async function operatorForm(
  { deps, csrf, frameOf }: OperatorForms,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<{ f: ConsoleFrame; form: Form; ctx: ChangeContext } | null> {
  const f = await frameOf(request, reply);
  if (!f) return answered(reply.redirect('/console/login', 303));
  const form = (request.body ?? {}) as Form;
  const refuse = (message: string) => answered(sendMessagePage(reply, 403, 'Not allowed', message));
  if (!csrf.verify(request, `console:${f.user.id}`, form.csrf_token)) {
    return refuse('This form expired or was not sent from the console.');
  }
  if (f.user.role === 'viewer') return refuse('Viewers can look but not change anything.');
  const ctx: ChangeContext = {
    deps,
    tenant: { accountId: f.account.id, mode: f.mode },
    actor: { type: 'console_user', id: f.user.id },
  };
  return { f, form, ctx };
}
