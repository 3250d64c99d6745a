import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { getEmail, listEmails } from '../../../app/mail/emails.js';
import type { Deps } from '../../../app/shared/deps.js';
import { EMAIL_KINDS, EMAIL_STATUSES } from '../../../domain/mail/mail-values.js';
import { emailResource } from '../../../resources/email.js';
import { requireTestMode } from '../../auth.js';
import { literalUnion, ModeAndTimes, Nullable, Timestamp } from '../../schemas.js';
import { resourceRoutes } from '../resource-routes.js';

const EmailKind = literalUnion(EMAIL_KINDS);

export const Email = Type.Object({
  email_id: Type.String(),
  object: Type.Literal('email'),
  kind: EmailKind,
  status: literalUnion(EMAIL_STATUSES, {
    description:
      'kept: in the mailbox, never sent (all test-mode mail); queued, sent, failed: live SMTP',
  }),
  to: Type.String(),
  from: Nullable(Type.String({ description: 'The sender it went out as; null until sent' })),
  subject: Type.String(),
  text: Type.String({ description: 'The plain-text rendering' }),
  html: Type.String({ description: 'The HTML rendering (inline styles, no remote assets)' }),
  related_object: Nullable(
    Type.Object(
      { type: Type.String(), id: Type.String() },
      { description: 'What the mail is about' },
    ),
  ),
  dedupe_key: Nullable(
    Type.String({ description: 'Unique per account and mode: the same key never mails twice' }),
  ),
  attempt_count: Type.Integer(),
  last_error: Nullable(Type.String()),
  provider_message_id: Nullable(Type.String()),
  sent_at: Nullable(Timestamp),
  ...ModeAndTimes,
});

const tags = ['Test helpers'];
const description =
  'Test mode never mails anyone: every mail Flint makes there is kept in this mailbox. ' +
  'A live key gets 403 test_mode_only.';

/** The test-mode mailbox: what Flint would have mailed, newest first. */
export function registerTestHelperEmailRoutes(server: FastifyInstance, deps: Deps): void {
  const routes = resourceRoutes(server, deps, {
    key: 'email',
    path: '/v1/test_helpers/emails',
    idPrefix: 'em',
    tags,
    schema: Email,
    serialize: emailResource,
  });
  routes.get({
    summary: 'Retrieve a test-mode email',
    description,
    run: ({ deps, caller }, id) => {
      requireTestMode(caller);
      return getEmail(deps, caller, id);
    },
  });
  routes.list({
    summary: 'List test-mode emails, newest first',
    description,
    filters: {
      to: Type.Optional(Type.String({ maxLength: 320, description: 'The recipient, exactly' })),
      kind: Type.Optional(EmailKind),
      related_object_id: Type.Optional(
        Type.String({ maxLength: 255, description: 'The object the mail is about' }),
      ),
    },
    run: async ({ deps, caller }, { to, kind, related_object_id }, page) => {
      requireTestMode(caller);
      return listEmails(deps, caller, { to, kind, related_object_id }, page);
    },
  });
}
