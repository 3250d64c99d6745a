import type { FastifyInstance, FastifyReply, FastifyRequest, onSendHookHandler } from 'fastify';

declare module 'fastify' {
  interface FastifyInstance {
    /** Resolves once no request is being handled (or after `timeoutMs`). */
    drained(timeoutMs: number): Promise<void>;
  }
  interface FastifyRequest {
    drainState: 'running' | 'aborted' | 'done';
  }
}

/**
 * Counts requests being handled so that shutdown can wait for them before closing
 * the database. `app.close()` alone is not enough: when a client disconnects mid-request
 * the server closes, but the handler (and its transaction) is still running. Such a
 * request never reaches onResponse, only onSend, so an aborted request is done once
 * its last onSend hook (appended to every route, after all others) has run.
 */
export function registerDrain(app: FastifyInstance): void {
  let inFlight = 0;
  let waiters: (() => void)[] = [];
  const finish = (request: FastifyRequest) => {
    if (request.drainState === 'done') return;
    request.drainState = 'done';
    inFlight -= 1;
    if (inFlight === 0) {
      for (const wake of waiters) wake();
      waiters = [];
    }
  };
  const lastOnSend: onSendHookHandler = async (
    request: FastifyRequest,
    _reply: FastifyReply,
    payload,
  ) => {
    if (request.drainState === 'aborted') finish(request);
    return payload;
  };

  app.decorateRequest('drainState', 'done');
  app.addHook('onRequest', async (request) => {
    request.drainState = 'running';
    inFlight += 1;
  });
  app.addHook('onRequestAbort', async (request) => {
    if (request.drainState === 'running') request.drainState = 'aborted';
  });
  app.addHook('onResponse', async (request) => finish(request));
  app.addHook('onRoute', (route) => {
    const existing = route.onSend ? [route.onSend].flat() : [];
    route.onSend = [...existing, lastOnSend];
  });
  app.decorate('drained', (timeoutMs: number) => {
    if (inFlight === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs).unref();
      waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  });
}
