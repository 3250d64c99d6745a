import type { EmailRow } from '../adapters/db/schema-mail.js';
import { modeAndTimes } from './object-times.js';

/** A mail of the mailbox as the API shows it (`GET /v1/test_helpers/emails/{id}`). */
export function emailResource(row: EmailRow) {
  return {
    email_id: row.id,
    object: 'email' as const,
    kind: row.kind,
    status: row.status,
    to: row.to_address,
    from: row.from_address,
    subject: row.subject,
    text: row.text,
    html: row.html,
    related_object:
      row.object_type !== null && row.object_id !== null
        ? { type: row.object_type, id: row.object_id }
        : null,
    dedupe_key: row.dedupe_key,
    attempt_count: row.attempt_count,
    last_error: row.last_error,
    provider_message_id: row.provider_message_id,
    sent_at: row.sent_at?.toISOString() ?? null,
    ...modeAndTimes(row),
  };
}
