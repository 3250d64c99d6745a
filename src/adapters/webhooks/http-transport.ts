import { Agent, buildConnector, request } from 'undici';
import type { HostResolver } from '../../ports/host-resolver.js';
import type { WebhookResult, WebhookTransport } from '../../ports/webhook-transport.js';
import { guardedConnector, guardedLookup } from './address-guard.js';

/** How much of a response body the delivery log keeps. */
export const RESPONSE_EXCERPT_BYTES = 1024;

async function excerptOf(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= RESPONSE_EXCERPT_BYTES) break; // leaving the loop destroys the rest
  }
  body.destroy();
  // PostgreSQL text cannot hold NUL; a cut multi-byte character becomes U+FFFD.
  return Buffer.concat(chunks)
    .subarray(0, RESPONSE_EXCERPT_BYTES)
    .toString('utf8')
    .replace(/\0/g, '');
}

function describeError(error: unknown, timeoutMs: number): string {
  let e = error as { name?: string; code?: string; message?: string; cause?: unknown } | undefined;
  // undici wraps socket errors; the innermost one says what happened.
  while (e?.cause && typeof e.cause === 'object') e = e.cause as typeof e;
  if (e?.name === 'TimeoutError' || e?.code === 'UND_ERR_HEADERS_TIMEOUT') {
    return `timed out after ${timeoutMs} ms`;
  }
  if (e?.code === 'UND_ERR_BODY_TIMEOUT') return `timed out after ${timeoutMs} ms`;
  if (e?.code === 'UND_ERR_CONNECT_TIMEOUT') return 'connection timed out';
  if (e?.code === 'FLINT_ADDRESS_REFUSED') return e.message ?? 'refused';
  if (e?.code === 'ECONNREFUSED') return 'connection refused';
  if (e?.code === 'ENOTFOUND' || e?.code === 'EAI_AGAIN') return 'host name not resolved';
  if (e?.code === 'ECONNRESET' || e?.code === 'UND_ERR_SOCKET') return 'connection reset';
  return (e?.code ?? e?.message ?? 'request failed').slice(0, 200);
}

/**
 * Sends webhooks over HTTP(S) with undici: never follows redirects (a 3xx is an answer
 * like any other), gives up after the timeout, and in live mode connects only to public
 * addresses, checked on the address actually connected to.
 */
export function createHttpTransport(options: {
  readonly resolver: HostResolver;
  readonly connectTimeoutMs?: number;
}): WebhookTransport {
  const timeout = options.connectTimeoutMs ?? 10_000;
  const guarded = (mode: 'test' | 'live') =>
    new Agent({
      connect: guardedConnector(
        buildConnector({ timeout, lookup: guardedLookup(options.resolver, mode) }),
        mode,
      ),
    });
  const live = guarded('live');
  // Test mode also reaches loopback (local development), never the private network.
  const test = guarded('test');
  return {
    async send({ url, mode, headers, body, timeoutMs }): Promise<WebhookResult> {
      try {
        const response = await request(url, {
          method: 'POST',
          headers,
          body,
          dispatcher: mode === 'live' ? live : test,
          signal: AbortSignal.timeout(timeoutMs),
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
        const retryAfter = response.headers['retry-after'];
        return {
          ok: true,
          status: response.statusCode,
          body: await excerptOf(response.body),
          retryAfter: Array.isArray(retryAfter) ? (retryAfter[0] ?? null) : (retryAfter ?? null),
        };
      } catch (error) {
        return { ok: false, error: describeError(error, timeoutMs) };
      }
    },
    async close() {
      await Promise.all([live.close(), test.close()]);
    },
  };
}
