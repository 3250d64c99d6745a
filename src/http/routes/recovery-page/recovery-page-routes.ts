import type { FastifyInstance } from 'fastify';
import {
  answerRecoveryAuthentication,
  payRecoveryLinkOnPage,
} from '../../../app/recovery-links/recovery-page.js';
import { recoverySummary } from '../../../pages/recovery-page.js';
import {
  attemptOf,
  buyerAnswerOf,
  checkPaymentForm,
  field,
  notSetUp,
  sendAuthenticationStep,
  setUp,
} from '../checkout/card-payment-steps.js';
import { registerPublicPageScope } from '../checkout/public-page-scope.js';
import {
  expiredForm,
  here,
  notFound,
  type RecoveryPageOptions,
  recoveryPageReplies,
  scopeOf,
} from './recovery-page-replies.js';

/**
 * A recovery link's hosted page at its `url`: no API key (the token is the capability),
 * HTML in and out, CSRF-checked forms, rate-limited like checkout, paid with checkout's
 * card form and 3-D Secure step.
 */
export async function registerRecoveryPageRoutes(
  server: FastifyInstance,
  options: RecoveryPageOptions,
): Promise<void> {
  const { deps, processors, csrf } = options;
  const { services, pageOf, show, answer, postedForm } = recoveryPageReplies(options);
  await registerPublicPageScope(server, options.rateLimits, (app, { pages, payments }) => {
    app.get('/recover/:token', { config: pages }, async (request, reply) => {
      const page = await pageOf(request);
      if (!page) return notFound(reply);
      if (!page.waiting || page.state === 'paid') return show(request, reply, { page });
      const email = page.waiting.buyer_email ?? '';
      return sendAuthenticationStep(reply, {
        processors,
        page,
        csrfToken: csrf.issue(request, reply, scopeOf(page)),
        action: `${here(page)}/authenticate`,
        summary: recoverySummary(page),
        policy: { formTargets: [] },
        confirm: async () => {
          const payment = await answerRecoveryAuthentication(services, { page, result: 'stripe' });
          return answer(request, reply, { payment, email });
        },
      });
    });

    app.post('/recover/:token/pay', { config: payments }, async (request, reply) => {
      const posted = await postedForm(request, reply);
      if (!posted) return reply;
      const { page, body } = posted;
      const attempt = attemptOf(body);
      const email = field(body, 'email');
      if (!attempt || email === null) return expiredForm(reply, page);
      if (page.state !== 'open' && page.state !== 'held') {
        return answer(request, reply, { payment: { kind: 'not_open', page }, email });
      }
      if (!setUp(page)) return notSetUp(reply);
      const checked = checkPaymentForm(page, { body, email, now: deps.clock.now() });
      if ('errors' in checked) return show(request, reply, { page, status: 422, form: checked });
      const payment = await payRecoveryLinkOnPage(services, {
        page,
        attempt,
        token: checked.token,
        email: email.trim(),
      });
      return answer(request, reply, { payment, email: email.trim() });
    });

    app.post('/recover/:token/authenticate', { config: payments }, async (request, reply) => {
      const posted = await postedForm(request, reply);
      if (!posted) return reply;
      const { page, body } = posted;
      const result = buyerAnswerOf(body);
      if (!result) return expiredForm(reply, page);
      const email = page.waiting?.buyer_email ?? '';
      const payment = await answerRecoveryAuthentication(services, { page, result });
      return answer(request, reply, { payment, email });
    });
  });
}
