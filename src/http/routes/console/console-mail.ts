import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { getEmail, listEmails } from '../../../app/mail/emails.js';
import type { Deps } from '../../../app/shared/deps.js';
import { idPattern } from '../../../app/shared/ids.js';
import { EMAIL_KINDS, type EmailKind } from '../../../domain/mail/mail-values.js';
import type { Tenant } from '../../../domain/tenant.js';
import type { ConsoleFrame } from '../../../pages/console-frame.js';
import { renderMailbox, renderMessage } from '../../../pages/console-mail-pages.js';
import { answered, sendMessagePage, sendPage } from '../../page-reply.js';

const EMAIL_ID = new RegExp(idPattern('em'));
const KINDS = new Set<string>(EMAIL_KINDS);
const PAGE_SIZE = 25;

/**
 * A mail's own HTML, framed by its console page: a document of its own, sandboxed (no
 * script, no form, no navigation of the console, an opaque origin), loading nothing but
 * its inline styles and data: images, and framed only by Flint's own pages.
 */
const MAIL_HTML_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'; frame-ancestors 'self'",
  'x-frame-options': 'SAMEORIGIN',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export interface ConsoleMailOptions {
  readonly deps: Deps;
  readonly frameOf: (request: FastifyRequest, reply: FastifyReply) => Promise<ConsoleFrame | null>;
}

/** The mailbox of the mode, for every signed-in user: the list, one message, its HTML. */
export async function registerConsoleMailRoutes(
  app: FastifyInstance,
  { deps, frameOf }: ConsoleMailOptions,
): Promise<void> {
  const tenantOf = (f: ConsoleFrame): Tenant => ({ accountId: f.account.id, mode: f.mode });

  /** The signed-in user's frame and the mail the path names, or the reply already sent. */
  async function message(request: FastifyRequest, reply: FastifyReply) {
    const f = await frameOf(request, reply);
    if (!f) return answered(reply.redirect('/console/login', 303));
    const { email_id: id } = request.params as { email_id: string };
    const email = EMAIL_ID.test(id) ? await getEmail(deps, tenantOf(f), id) : null;
    if (!email?.ok) {
      return answered(
        sendMessagePage(reply, 404, 'Mail not found', `No mail ${id} in ${f.mode} mode.`),
      );
    }
    return { f, email: email.value };
  }

  app.get('/console/mail', async (request, reply) => {
    const f = await frameOf(request, reply);
    if (!f) return reply.redirect('/console/login', 303);
    const query = request.query as Record<string, unknown>;
    const kind = typeof query.kind === 'string' && KINDS.has(query.kind) ? query.kind : '';
    const after =
      typeof query.starting_after === 'string' && EMAIL_ID.test(query.starting_after)
        ? query.starting_after
        : undefined;
    const page = await listEmails(
      deps,
      tenantOf(f),
      { kind: (kind || undefined) as EmailKind | undefined },
      { limit: PAGE_SIZE, startingAfter: after },
    );
    return sendPage(reply, 200, (nonce) =>
      renderMailbox({ frame: f, nonce, kind, emails: page.items, nextCursor: page.nextCursor }),
    );
  });

  app.get('/console/mail/:email_id', async (request, reply) => {
    const found = await message(request, reply);
    if (!found) return reply;
    return sendPage(
      reply,
      200,
      (nonce) => renderMessage({ frame: found.f, nonce, email: found.email }),
      { framesSelf: true },
    );
  });

  app.get('/console/mail/:email_id/html', async (request, reply) => {
    const found = await message(request, reply);
    if (!found) return reply;
    return reply.code(200).headers(MAIL_HTML_HEADERS).send(found.email.html);
  });
}
