import { fromWire, toWire } from './casing.js';
import { type ErrorBody, errorOf, FlintConnectionError, type FlintError } from './errors.js';

export interface FlintOptions {
  /** A secret key: `sk_test_…` or `sk_live_…`. */
  readonly apiKey: string;
  /** Where Flint runs, e.g. `http://127.0.0.1:4242`. */
  readonly baseUrl?: string;
  /** Retries after the first attempt (network errors, 409 in flight, 429, 5xx). Default 3. */
  readonly maxRetries?: number;
  /** Per attempt. Default 30 s. */
  readonly timeoutMs?: number;
  /** First backoff delay; it doubles per retry (with jitter), up to 8 s. Default 500 ms. */
  readonly retryDelayMs?: number;
  /** Another fetch (tests, proxies); the global one by default. */
  readonly fetch?: typeof fetch;
}

export interface RequestOptions {
  /** One logical call's key: every retry sends it. Generated for POST/PATCH when not given. */
  readonly idempotencyKey?: string;
}

interface Call {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly query?: object | undefined;
  readonly body?: unknown;
  readonly options?: RequestOptions | undefined;
}

const MAX_DELAY_MS = 8_000;
/** A Retry-After longer than this is not waited for: the error is the caller's to handle. */
const MAX_RETRY_AFTER_MS = 60_000;

function newKey(): string {
  return globalThis.crypto.randomUUID();
}

function queryString(query: object | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(toWire(query) as Record<string, unknown>)) {
    if (value !== undefined && value !== null) params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Whether an answer (or no answer) is worth the same request again, with the same key. */
function retryable(error: FlintError): boolean {
  if (error.status === 0) return true;
  if (error.status === 409) return error.code === 'idempotency_key_in_use';
  return error.status === 429 || error.status >= 500;
}

/**
 * Sends one logical call: the same method, path, body and idempotency key on every
 * attempt, so a retry after a lost answer gets the first answer back (Flint replays it)
 * and never does the work twice.
 */
export class Transport {
  private readonly baseUrl: string;
  private readonly maxRetries: number;
  private readonly timeoutMs: number;
  private readonly retryDelayMs: number;
  private readonly fetcher: typeof fetch;

  constructor(private readonly options: FlintOptions) {
    if (!options.apiKey) throw new TypeError('Flint needs an apiKey (sk_test_… or sk_live_…)');
    this.baseUrl = (options.baseUrl ?? 'http://127.0.0.1:4242').replace(/\/+$/, '');
    this.maxRetries = options.maxRetries ?? 3;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retryDelayMs = options.retryDelayMs ?? 500;
    this.fetcher = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  async request<T>(call: Call): Promise<T> {
    const writes = call.method === 'POST' || call.method === 'PATCH' || call.method === 'PUT';
    const key = call.options?.idempotencyKey ?? (writes ? newKey() : undefined);
    const url = `${this.baseUrl}${call.path}${queryString(call.query)}`;
    const body = call.body === undefined ? undefined : JSON.stringify(toWire(call.body));
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.attempt(call.method, url, body, key);
      if (outcome.ok) return fromWire<T>(outcome.value);
      if (attempt >= this.maxRetries || !retryable(outcome.error)) throw outcome.error;
      const wait = this.delay(attempt, outcome.retryAfterMs);
      if (wait === null) throw outcome.error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  private delay(attempt: number, retryAfterMs: number | null): number | null {
    if (retryAfterMs !== null) return retryAfterMs > MAX_RETRY_AFTER_MS ? null : retryAfterMs;
    const base = Math.min(MAX_DELAY_MS, this.retryDelayMs * 2 ** attempt);
    return base / 2 + Math.random() * (base / 2);
  }

  private async attempt(
    method: string,
    url: string,
    body: string | undefined,
    key: string | undefined,
  ): Promise<
    { ok: true; value: unknown } | { ok: false; error: FlintError; retryAfterMs: number | null }
  > {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.options.apiKey}`,
      accept: 'application/json',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (key) headers['idempotency-key'] = key;
    let response: Response;
    let text: string;
    try {
      response = await this.fetcher(url, {
        method,
        headers,
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      return {
        ok: false,
        error: new FlintConnectionError(`No answer from Flint (${message})`, { cause }),
        retryAfterMs: null,
      };
    }
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = undefined;
    }
    if (response.ok && parsed !== undefined) return { ok: true, value: parsed };
    const errorBody =
      parsed && typeof parsed === 'object' && 'error' in parsed
        ? ((parsed as { error: ErrorBody }).error ?? {})
        : { message: `Flint answered ${response.status} without a JSON error` };
    const retryAfter = Number(response.headers.get('retry-after'));
    return {
      ok: false,
      error: errorOf(response.status, errorBody),
      retryAfterMs:
        Number.isFinite(retryAfter) && retryAfter >= 0 && response.headers.has('retry-after')
          ? retryAfter * 1000
          : null,
    };
  }
}
