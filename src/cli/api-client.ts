import { httpUrlOf, UsageError } from './usage-error.js';

// How the `trigger` and `listen` commands talk to a running Flint: its HTTP API, with a
// secret key, exactly as an integration would.

export const DEFAULT_API_URL = 'http://127.0.0.1:4242';

/** The API answered with an error (or not at all). */
export class ApiCallError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly body: unknown = undefined,
  ) {
    super(message);
  }
}

export interface ApiTarget {
  /** Without a trailing slash, e.g. `http://127.0.0.1:4242`. */
  readonly url: string;
  readonly key: string;
  readonly mode: 'test' | 'live';
}

/** The API to call: flags first, then FLINT_API_KEY / FLINT_API_URL, then the dev server. */
export function apiTargetOf(
  flags: { readonly 'api-key'?: string | undefined; readonly 'api-url'?: string | undefined },
  env: NodeJS.ProcessEnv,
): ApiTarget {
  const key = flags['api-key'] ?? env.FLINT_API_KEY ?? '';
  const mode = key.startsWith('sk_test_') ? 'test' : key.startsWith('sk_live_') ? 'live' : null;
  if (!mode) throw new UsageError('give a secret key (sk_test_…) with --api-key or FLINT_API_KEY');
  const url = httpUrlOf('--api-url', flags['api-url'] ?? env.FLINT_API_URL ?? DEFAULT_API_URL);
  return { url: url.toString().replace(/\/+$/, ''), key, mode };
}

/** What went wrong, in the API's words (`type`, `code` and message) when it gave them. */
function describeFailure(status: number, body: unknown): string {
  const error = (body as { error?: { type?: string; code?: string; message?: string } })?.error;
  if (!error) return `HTTP ${status}`;
  return `${status} ${error.type ?? ''}${error.code ? ` (${error.code})` : ''}: ${error.message ?? ''}`;
}

/**
 * Calls the API; answers the parsed body for a status in `expected` (200 unless told),
 * and throws ApiCallError for anything else, or when the server cannot be reached.
 */
export async function callApi<T = unknown>(
  target: ApiTarget,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  options: {
    readonly body?: unknown;
    readonly expected?: readonly number[];
    readonly signal?: AbortSignal | undefined;
  } = {},
): Promise<{ readonly status: number; readonly body: T }> {
  const { body, expected = [200], signal } = options;
  let response: Response;
  try {
    response = await fetch(`${target.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${target.key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: signal ?? AbortSignal.timeout(30_000),
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new ApiCallError(
      `cannot reach Flint at ${target.url}: ${cause?.code ?? cause?.message ?? (err as Error).message}`,
      null,
    );
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  if (!expected.includes(response.status)) {
    throw new ApiCallError(
      `${method} ${path}: ${describeFailure(response.status, parsed)}`,
      response.status,
      parsed,
    );
  }
  return { status: response.status, body: parsed as T };
}
