import type { Mode } from '../domain/tenant.js';

export interface WebhookRequest {
  readonly url: string;
  /** Live-mode requests reach public addresses only (the SSRF guard). */
  readonly mode: Mode;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly timeoutMs: number;
}

/** What the endpoint answered, or why no answer came. */
export type WebhookResult =
  | {
      readonly ok: true;
      readonly status: number;
      /** The start of the response body, for the delivery log. */
      readonly body: string;
      readonly retryAfter: string | null;
    }
  | { readonly ok: false; readonly error: string };

/** Sends one webhook attempt: one POST, redirects not followed. */
export interface WebhookTransport {
  send(request: WebhookRequest): Promise<WebhookResult>;
  close(): Promise<void>;
}
