import { Webhook } from 'standardwebhooks';

/**
 * The Standard Webhooks headers of one attempt. The message is signed with every secret
 * given (the current one and, during a rotation, the previous one): receivers verify with
 * whichever they hold, as the specification's space-separated `webhook-signature` allows.
 */
export function signatureHeaders(
  messageId: string,
  timestamp: Date,
  payload: string,
  secrets: readonly string[],
): Record<string, string> {
  const signatures = secrets.map((secret) =>
    new Webhook(secret).sign(messageId, timestamp, payload),
  );
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}
