import { setTimeout as sleep } from 'node:timers/promises';

// A client of several Flint servers behind no load balancer: it calls them round-robin and
// retries as a careful client would — the same request with the same Idempotency-Key on
// the next server when a server does not answer (it died) or says the key is still in use.

export interface Answer {
  readonly status: number;
  readonly replayed: boolean;
  readonly body: any;
}

export interface Call {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: unknown;
  readonly idempotencyKey?: string;
}

/** One request to one server, no retry: rejects when the server does not answer. */
export async function send(base: string, key: string, call: Call): Promise<Answer> {
  const res = await fetch(`${base}${call.path}`, {
    method: call.method,
    signal: AbortSignal.timeout(60_000),
    headers: {
      authorization: `Bearer ${key}`,
      ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(call.idempotencyKey ? { 'idempotency-key': call.idempotencyKey } : {}),
    },
    body: call.body === undefined ? undefined : JSON.stringify(call.body),
  });
  return {
    status: res.status,
    replayed: res.headers.get('idempotent-replayed') === 'true',
    body: await res.json(),
  };
}

export class Cluster {
  private turn = 0;
  constructor(
    readonly bases: string[],
    private readonly key: string,
  ) {}

  /** Takes a server out of the rotation (it died). */
  remove(base: string): void {
    this.bases.splice(this.bases.indexOf(base), 1);
  }

  /**
   * The request on the next server; on no answer (only when it is safe to send again: a
   * GET or a keyed request) or `409 idempotency_key_in_use`, again on the one after.
   */
  async call(call: Call): Promise<Answer> {
    const retriable = call.method === 'GET' || call.idempotencyKey !== undefined;
    let failure: unknown;
    for (let tries = 0; tries < 20; tries++) {
      this.turn += 1;
      const base = this.bases[this.turn % this.bases.length] as string;
      try {
        const answer = await send(base, this.key, call);
        if (answer.status !== 409 || answer.body.error?.code !== 'idempotency_key_in_use') {
          return answer;
        }
        failure = new Error('idempotency_key_in_use');
      } catch (err) {
        if (!retriable) throw err;
        failure = err;
      }
      await sleep(100 * (tries + 1));
    }
    throw new Error(`${call.method} ${call.path}: no answer after 20 tries: ${failure}`);
  }

  post(path: string, body: unknown, idempotencyKey?: string): Promise<Answer> {
    return this.call({ method: 'POST', path, body, idempotencyKey });
  }

  get(path: string): Promise<Answer> {
    return this.call({ method: 'GET', path });
  }
}
