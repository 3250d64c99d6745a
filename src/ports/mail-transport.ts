/** One message as it goes out. */
export interface OutgoingMail {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** Derived from the email's id: a resend after a crash carries the same Message-ID. */
  readonly messageId: string;
}

/** What the mail server answered, or why no answer came. */
export type MailResult =
  | { readonly ok: true; readonly messageId: string }
  /** `permanent`: the server refused the message for good (SMTP 5xx); no retry helps. */
  | { readonly ok: false; readonly error: string; readonly permanent: boolean };

/** Sends mail to a real mail server (SMTP). */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<MailResult>;
  close(): void;
}
