import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CheckoutSessionRow } from '../../../adapters/db/schema.js';
import type { Deps } from '../../../app/shared/deps.js';
import type { PagePolicy } from '../../../pages/html.js';
import type { Csrf } from '../../csrf.js';

// What differs between a hosted checkout's pages and an embedded one's (framed in the
// merchant's page by /js/flint.js): who may frame them, where their forms lead, and the
// forms' CSRF defence. Hosted pages keep the cookie (signed double-submit); a framed page
// is cross-site, where a `SameSite=Strict` cookie is never sent, so its forms carry a
// token bound to the session alone and the browser's fetch metadata must say they were
// posted from Flint's own page.

/** The headers' policy of a session's pages (besides the nonce and Stripe.js). */
export function sessionPagePolicy(
  session: CheckoutSessionRow,
): Pick<PagePolicy, 'formTargets' | 'frameAncestors'> {
  if (session.ui_mode === 'embedded') {
    // Its forms and their redirects stay on Flint; only the allowed origins may frame it.
    return { formTargets: [], frameAncestors: session.allowed_origins };
  }
  // The pay form's answer redirects to success_url.
  return { formTargets: session.success_url ? [new URL(session.success_url).origin] : [] };
}

/** The two CSRF steps of a session's forms, by its ui_mode. */
export interface SessionCsrf {
  /** The token a form of the session's page carries. */
  tokenFor(request: FastifyRequest, reply: FastifyReply, session: CheckoutSessionRow): string;
  /** Whether a posted form's token (and, embedded, its fetch metadata) is the page's. */
  verify(request: FastifyRequest, session: CheckoutSessionRow, token: unknown): boolean;
}

const boundScope = (session: CheckoutSessionRow) => `embedded checkout|${session.id}`;

export function sessionCsrf(csrf: Csrf, deps: Pick<Deps, 'publicUrl'>): SessionCsrf {
  return {
    tokenFor(request, reply, session) {
      return session.ui_mode === 'embedded'
        ? csrf.issueBound(boundScope(session))
        : csrf.issue(request, reply, session.id);
    },
    verify(request, session, token) {
      if (session.ui_mode !== 'embedded') return csrf.verify(request, session.id, token);
      return csrf.verifyBound(request, boundScope(session), token, ownOrigins(deps, request));
    },
  };
}

/** Flint's own origins as a browser names them: the one it was reached at, and its public one. */
function ownOrigins(deps: Pick<Deps, 'publicUrl'>, request: FastifyRequest): string[] {
  const origins = [`${request.protocol}://${request.host}`];
  if (deps.publicUrl) origins.push(new URL(deps.publicUrl).origin);
  return origins;
}
