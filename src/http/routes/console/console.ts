import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { selectAccountById } from '../../../adapters/db/repos/accounts-repo.js';
import type { ConsoleUserRow } from '../../../adapters/db/schema-console.js';
import { searchOrders } from '../../../app/console/console-orders.js';
import { signInFrom } from '../../../app/console/console-sign-in.js';
import {
  acceptInvite,
  SESSION_LIFETIME_MS,
  signOut,
  userOfInvite,
  userOfSession,
} from '../../../app/console/console-users.js';
import { acceptsPayments } from '../../../app/processors/account-processors.js';
import type { Deps } from '../../../app/shared/deps.js';
import { idPattern } from '../../../app/shared/ids.js';
import { ORDER_STATUSES } from '../../../domain/order-lifecycle.js';
import {
  DEFAULT_SIGN_IN_LIMITS,
  describeWait,
  retryAfterSeconds,
  type SignInLimits,
} from '../../../domain/sign-in-backoff.js';
import type { Mode } from '../../../domain/tenant.js';
import type { ConsoleFrame } from '../../../pages/console-frame.js';
import { renderOrders } from '../../../pages/console-orders-page.js';
import { renderInvite, renderLogin } from '../../../pages/console-sign-in-pages.js';
import type { Processors } from '../../../ports/payment-processor.js';
import type { Csrf } from '../../csrf.js';
import { toApiError } from '../../errors.js';
import { type Form, formText } from '../../form-fields.js';
import { sendMessagePage, sendPage } from '../../page-reply.js';
import { registerServerTiming } from '../../server-timing.js';
import { registerConsoleCustomerRoutes } from './console-customers.js';
import { registerConsoleDeveloperRoutes } from './console-developers.js';
import { registerConsoleInvoiceRoutes } from './console-invoices.js';
import { registerConsoleMailRoutes } from './console-mail.js';
import { registerConsolePlanRoutes } from './console-plans.js';
import { registerConsoleRecovery } from './console-recovery-links.js';
import { registerConsoleRefundRoutes } from './console-refunds.js';
import { registerConsoleSaleRoute } from './console-sale.js';
import { registerConsoleSubscriptionRoutes } from './console-subscriptions.js';

export const CONSOLE_COOKIE = 'flint_console';

const ORDER_ID = new RegExp(idPattern('ord'));
const STATUSES = new Set<string>(ORDER_STATUSES);
const PAGE_SIZE = 25;

/** Emails, passwords and other sign-in fields. */
const MAX_FIELD = 256;

/**
 * The operator console (HTML): sign-in with email and password, a session cookie
 * (`HttpOnly`, `SameSite=Lax`, `Secure` over TLS), CSRF tokens on every form, and the
 * order search and sale record in test or live mode.
 */
export async function registerConsoleRoutes(
  server: FastifyInstance,
  options: {
    readonly deps: Deps;
    readonly processors: Processors;
    readonly csrf: Csrf;
    /** Sign-in failures in a row before an email or address is locked out for a while. */
    readonly signInLimits?: SignInLimits | undefined;
  },
): Promise<void> {
  const { deps, processors, csrf } = options;
  await server.register(async (app) => {
    await app.register(cookie);
    await app.register(formbody, { bodyLimit: 16 * 1024 });
    registerServerTiming(app);
    app.setErrorHandler((error, request, reply) => {
      const status = (error as { statusCode?: number }).statusCode ?? toApiError(error).status;
      if (status >= 500) request.log.error({ err: error }, 'console request failed');
      return sendMessagePage(
        reply,
        status >= 400 && status < 600 ? status : 500,
        'Something went wrong',
        'This request could not be completed. Go back and try again.',
      );
    });

    const setSession = (request: FastifyRequest, reply: FastifyReply, token: string) =>
      reply.setCookie(CONSOLE_COOKIE, token, {
        path: '/console',
        httpOnly: true,
        sameSite: 'lax',
        secure: request.protocol === 'https',
        maxAge: SESSION_LIFETIME_MS / 1000,
      });

    app.get('/console', async (_request, reply) => reply.redirect('/console/orders', 303));

    app.get('/console/login', async (request, reply) =>
      sendPage(reply, 200, (nonce) =>
        renderLogin({ nonce, csrfToken: csrf.issue(request, reply, 'console-login'), email: '' }),
      ),
    );

    // Failures are counted in the database (every process agrees), successes never.
    app.post('/console/login', async (request, reply) => {
      const form = (request.body ?? {}) as Form;
      const email = formText(form, 'email', MAX_FIELD) ?? '';
      const again = (status: number, error: string) =>
        sendPage(reply, status, (nonce) =>
          renderLogin({
            nonce,
            csrfToken: csrf.issue(request, reply, 'console-login'),
            email,
            error,
          }),
        );
      if (!csrf.verify(request, 'console-login', form.csrf_token)) {
        return again(403, 'This form expired. Please sign in again.');
      }
      const password = formText(form, 'password', MAX_FIELD) ?? '';
      const limits = options.signInLimits ?? DEFAULT_SIGN_IN_LIMITS;
      const answer = await signInFrom(deps, { address: request.ip, email, password }, { limits });
      if (answer.kind === 'locked') {
        const seconds = retryAfterSeconds(answer.until, deps.clock.now());
        reply.header('retry-after', String(seconds));
        return again(429, `Too many failed sign-ins. Try again in ${describeWait(seconds)}.`);
      }
      if (answer.kind === 'wrong') return again(401, 'The email or password is wrong.');
      setSession(request, reply, answer.token);
      return reply.redirect('/console/orders', 303);
    });

    app.get('/console/invite/:token', async (request, reply) => {
      const { token } = request.params as { token: string };
      const user = await userOfInvite(deps, token);
      if (!user) return inviteGone(reply);
      return sendPage(reply, 200, (nonce) =>
        renderInvite({
          nonce,
          csrfToken: csrf.issue(request, reply, `console-invite:${token}`),
          token,
          email: user.email,
        }),
      );
    });

    app.post('/console/invite/:token', async (request, reply) => {
      const { token } = request.params as { token: string };
      const form = (request.body ?? {}) as Form;
      const user = await userOfInvite(deps, token);
      if (!user) return inviteGone(reply);
      const again = (status: number, error: string) =>
        sendPage(reply, status, (nonce) =>
          renderInvite({
            nonce,
            csrfToken: csrf.issue(request, reply, `console-invite:${token}`),
            token,
            email: user.email,
            error,
          }),
        );
      if (!csrf.verify(request, `console-invite:${token}`, form.csrf_token)) {
        return again(403, 'This form expired. Please try again.');
      }
      const accepted = await acceptInvite(deps, token, formText(form, 'password', MAX_FIELD) ?? '');
      if (!accepted.ok) return again(422, accepted.error.message);
      setSession(request, reply, accepted.value.sessionToken);
      return reply.redirect('/console/orders', 303);
    });

    app.post('/console/logout', async (request, reply) => {
      const signedIn = await consoleFrame(request, reply);
      const form = (request.body ?? {}) as Form;
      if (signedIn && csrf.verify(request, `console:${signedIn.user.id}`, form.csrf_token)) {
        const token = request.cookies[CONSOLE_COOKIE];
        if (token) await signOut(deps, token);
        reply.clearCookie(CONSOLE_COOKIE, { path: '/console' });
      }
      return reply.redirect('/console/login', 303);
    });

    app.get('/console/orders', async (request, reply) => {
      const f = await consoleFrame(request, reply);
      if (!f) return reply.redirect('/console/login', 303);
      const query = request.query as Record<string, unknown>;
      const q = typeof query.q === 'string' ? query.q.slice(0, 200) : '';
      const status =
        typeof query.status === 'string' && STATUSES.has(query.status) ? query.status : '';
      const after =
        typeof query.starting_after === 'string' && ORDER_ID.test(query.starting_after)
          ? query.starting_after
          : undefined;
      const range = createdRange(query.from, query.to);
      if (!range) {
        return sendMessagePage(
          reply,
          400,
          'Invalid dates',
          'Give the dates as YYYY-MM-DD, the first on or before the last.',
        );
      }
      const page = await searchOrders(
        { deps, tenant: { accountId: f.account.id, mode: f.mode } },
        {
          filter: { q, status: status || undefined, createdGte: range.gte, createdLt: range.lt },
          page: { limit: PAGE_SIZE, startingAfter: after },
        },
      );
      return sendPage(reply, 200, (nonce) =>
        renderOrders({
          frame: f,
          nonce,
          q,
          status,
          from: range.from,
          to: range.to,
          orders: page.items,
          nextCursor: page.nextCursor,
        }),
      );
    });

    registerConsoleSaleRoute(app, { deps, frameOf: consoleFrame });
    await registerConsoleRefundRoutes(app, { deps, processors, csrf, frameOf: consoleFrame });
    await registerConsoleDeveloperRoutes(app, { deps, csrf, frameOf: consoleFrame });
    await registerConsoleInvoiceRoutes(app, { deps, csrf, frameOf: consoleFrame });
    await registerConsoleMailRoutes(app, { deps, frameOf: consoleFrame });
    await registerConsoleRecovery(app, { deps, csrf, frameOf: consoleFrame });
    await registerConsolePlanRoutes(app, { deps, frameOf: consoleFrame });
    await registerConsoleSubscriptionRoutes(app, { deps, csrf, frameOf: consoleFrame, processors });
    await registerConsoleCustomerRoutes(app, { deps, processors, csrf, frameOf: consoleFrame });
  });

  /** The signed-in user's frame (account, mode, CSRF token), or null. */
  async function consoleFrame(
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<ConsoleFrame | null> {
    const token = request.cookies[CONSOLE_COOKIE];
    const user: ConsoleUserRow | null = token ? await userOfSession(deps, token) : null;
    if (!user) return null;
    const account = await selectAccountById(deps.db, user.account_id);
    if (!account) return null;
    const raw = (request.query as Record<string, unknown> | undefined)?.mode;
    const mode: Mode = raw === 'live' ? 'live' : 'test';
    return {
      user,
      account,
      mode,
      takesPayments: await acceptsPayments(processors, { accountId: account.id, mode }),
      csrfToken: csrf.issue(request, reply, `console:${user.id}`),
    };
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** A calendar day (YYYY-MM-DD, UTC) that exists, as its first moment; '' or absent: none. */
function dayOf(raw: unknown): Date | null | undefined {
  if (raw === undefined || raw === '') return null;
  if (typeof raw !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(raw)) return undefined;
  const day = new Date(`${raw}T00:00:00Z`);
  return Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== raw ? undefined : day;
}

/** The orders list's date filter: from the first day's start to the end of the last (UTC). */
function createdRange(from: unknown, to: unknown) {
  const first = dayOf(from);
  const last = dayOf(to);
  if (first === undefined || last === undefined) return null;
  if (first && last && first > last) return null;
  return {
    from: first ? (from as string) : '',
    to: last ? (to as string) : '',
    gte: first ?? undefined,
    lt: last ? new Date(last.getTime() + DAY_MS) : undefined,
  };
}

function inviteGone(reply: FastifyReply) {
  return sendMessagePage(
    reply,
    410,
    'This link no longer works',
    'It has expired or was already used. Ask an owner of the account for a new invite.',
  );
}
