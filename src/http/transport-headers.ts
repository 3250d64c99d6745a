import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TrustProxy } from '../config.js';

/** Two years, as the HSTS preload list asks. */
export const STRICT_TRANSPORT_SECURITY = 'max-age=63072000; includeSubDomains';

/**
 * Headers every answer carries, set before anything can fail so errors carry them too:
 * over TLS (directly, or behind a proxy `FLINT_TRUST_PROXY` trusts) browsers are told to
 * stay on HTTPS; nothing is content-sniffed; and API answers, which hold secrets once (a
 * new key, a webhook signing secret, an invite link), are never stored by a cache.
 */
export function setTransportHeaders(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('x-content-type-options', 'nosniff');
  if (request.protocol === 'https')
    reply.header('strict-transport-security', STRICT_TRANSPORT_SECURITY);
  const path = request.url.split('?')[0] ?? '';
  if (path === '/v1' || path.startsWith('/v1/')) reply.header('cache-control', 'no-store');
}

/** `FLINT_TRUST_PROXY` as Fastify takes it (a hop count trusts that many nearest hops). */
export function trustProxyOption(
  trust: TrustProxy | undefined,
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  if (Array.isArray(trust)) return [...trust];
  return trust === true;
}
