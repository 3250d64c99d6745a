import { createTransport } from 'nodemailer';
import type { MailResult, MailTransport, OutgoingMail } from '../../ports/mail-transport.js';

export interface SmtpOptions {
  /** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465`. */
  readonly url: string;
  /** Connecting, the greeting and each command's answer: longer counts as a failed attempt. */
  readonly timeoutMs?: number;
}

/** A mail server's refusal names its reply code; 5xx is permanent, 4xx worth a retry. */
function isPermanent(error: unknown): boolean {
  const code = (error as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/** The SMTP transport (nodemailer): one connection per message, nothing pooled across attempts. */
export function createSmtpTransport(options: SmtpOptions): MailTransport {
  const timeout = options.timeoutMs ?? 30_000;
  const transporter = createTransport({
    url: options.url,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  return {
    async send(mail: OutgoingMail): Promise<MailResult> {
      try {
        const info = await transporter.sendMail({
          from: mail.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId: mail.messageId,
        });
        return { ok: true, messageId: info.messageId };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return { ok: false, error: message.slice(0, 500), permanent: isPermanent(error) };
      }
    },
    close() {
      transporter.close();
    },
  };
}
