import type { FastifyReply, FastifyRequest } from 'fastify';
import { type SetupPage, saveCardOnSetupPage } from '../../../app/checkout/hosted-setup.js';
import { declineMessage, type FormState } from '../../../pages/card-form.js';
import { afterPaymentUrl } from '../../../pages/embedded-frame.js';
import { renderSetupClosedPage, renderSetupPage } from '../../../pages/setup-page.js';
import type { Form } from '../../form-fields.js';
import { sendMessagePage, sendPage } from '../../page-reply.js';
import {
  attemptOf,
  checkPaymentForm,
  field,
  newAttempt,
  notSetUp,
  setUp,
  stripeKeyOf,
} from './card-payment-steps.js';
import { seeOther } from './checkout-page-replies.js';
import type { CheckoutRoutes } from './checkout-routes-context.js';
import { sessionPagePolicy } from './embedded-checkout.js';

// A setup session's page at its `url` (`mode: "setup"`): the shared card form, whose card
// is saved as the customer's default payment method; then the merchant's success_url.
// The same routes as a payment session's page (`GET /checkout/:id`, `POST …/pay`).

/** A request to a setup session's page, with the page it is about. */
interface SetupRequest {
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
  readonly page: SetupPage;
}

/** The page: the card form while open, else how it closed. */
export function showSetupPage(routes: CheckoutRoutes, { request, reply, page }: SetupRequest) {
  if (page.session.status !== 'open') return closed(reply, page);
  if (!setUp(page)) return notSetUp(reply);
  return form(routes, { request, reply, page }, 200, {
    email: page.customer.email ?? '',
    errors: {},
  });
}

/**
 * The form posted: CSRF and the card checked, then the card saved once per attempt; a
 * saved card goes on to success_url, a declined one shows the form again.
 */
export async function saveSetupCard(routes: CheckoutRoutes, posted: SetupRequest) {
  const { request, reply, page } = posted;
  const { deps, processors, sessionCsrf } = routes;
  const body = (request.body ?? {}) as Form;
  if (!sessionCsrf.verify(request, page.session, body.csrf_token)) return expiredForm(reply, page);
  if (page.session.status !== 'open') return afterClose(reply, page);
  if (!setUp(page)) return notSetUp(reply);
  const attempt = attemptOf(body);
  const email = field(body, 'email');
  if (!attempt || email === null) return expiredForm(reply, page);
  const checked = checkPaymentForm(page, { body, email, now: deps.clock.now() });
  if ('errors' in checked) return form(routes, posted, 422, checked);
  const outcome = await saveCardOnSetupPage(
    { deps, processors },
    { page, attempt, token: checked.token },
  );
  const after = { ...posted, page: outcome.page };
  const typed = email.trim();
  switch (outcome.kind) {
    case 'paid':
    case 'not_open':
      return afterClose(reply, outcome.page);
    case 'declined':
      return form(routes, after, 402, {
        email: typed,
        errors: { card_number: declineMessage(outcome.declineCode) },
        alert: 'The card was not saved. Nothing was charged.',
      });
    case 'unavailable':
      return form(routes, after, 503, {
        email: typed,
        errors: {},
        alert: 'Cards cannot be saved right now. Nothing was saved; please try again later.',
      });
    default:
      return form(routes, after, 409, {
        email: typed,
        errors: {},
        alert: 'The card could not be saved just now. Wait a moment, then try again.',
      });
  }
}

/** The form with a fresh CSRF token and attempt. */
function form(
  routes: CheckoutRoutes,
  { request, reply, page }: SetupRequest,
  status: number,
  state: FormState,
) {
  const csrfToken = routes.sessionCsrf.tokenFor(request, reply, page.session);
  const stripePublishableKey = stripeKeyOf(page);
  return sendPage(
    reply,
    status,
    (nonce) =>
      renderSetupPage({
        page,
        nonce,
        csrfToken,
        attempt: newAttempt(),
        form: state,
        stripePublishableKey,
      }),
    { ...sessionPagePolicy(page.session), stripe: !!stripePublishableKey },
  );
}

/** A complete session goes on to the merchant's success_url; an expired one shows its page. */
function afterClose(reply: FastifyReply, page: SetupPage) {
  const { session } = page;
  return session.status === 'complete'
    ? seeOther(reply, afterPaymentUrl(session))
    : seeOther(reply, `/checkout/${session.id}`);
}

function closed(reply: FastifyReply, page: SetupPage) {
  const status = page.session.status === 'expired' ? 410 : 200;
  return sendPage(
    reply,
    status,
    (nonce) => renderSetupClosedPage(page, nonce),
    sessionPagePolicy(page.session),
  );
}

/** A form without its CSRF token (or a tampered one): nothing happens; reload to retry. */
function expiredForm(reply: FastifyReply, page: SetupPage) {
  return sendMessagePage(
    reply,
    403,
    'Please try again',
    `This form has expired or was not sent from this page. No card was saved. Reload the page (/checkout/${page.session.id}) and try again.`,
  );
}
