import type { FastifyInstance } from 'fastify';
import { ApiError, sendError } from './errors.js';

interface KnownPath {
  readonly pattern: RegExp;
  readonly methods: Set<string>;
}

/** `/v1/orders/:order_id/lines` → a pattern matching its concrete URLs (a trailing slash too). */
function patternOf(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) =>
      segment.startsWith(':')
        ? '[^/]+'
        : segment === '*'
          ? '.*'
          : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${source.replace(/\/$/, '')}/?$`);
}

/**
 * Requests no route answers: a path some route serves with other methods is a 405 whose
 * `Allow` lists them; any other path is a 404 `route_not_found`. Call before any route is
 * registered, so that every route is seen.
 */
export function registerUnmatchedRoutes(app: FastifyInstance): void {
  const known = new Map<string, KnownPath>();
  app.addHook('onRoute', (route) => {
    const entry = known.get(route.url) ?? { pattern: patternOf(route.url), methods: new Set() };
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) entry.methods.add(method);
    // Fastify answers HEAD for every GET route.
    if (entry.methods.has('GET')) entry.methods.add('HEAD');
    known.set(route.url, entry);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = new Set<string>();
    for (const { pattern, methods } of known.values()) {
      if (pattern.test(path)) for (const method of methods) allowed.add(method);
    }
    if (allowed.size > 0 && !allowed.has(request.method)) {
      const allow = [...allowed].sort().join(', ');
      reply.header('allow', allow);
      return sendError(
        reply,
        request,
        new ApiError(
          'method_not_allowed',
          `${request.method} is not allowed on ${path}; allowed: ${allow}`,
        ),
      );
    }
    return sendError(
      reply,
      request,
      new ApiError('route_not_found', `Unrecognized request URL (${request.method} ${path})`),
    );
  });
}
