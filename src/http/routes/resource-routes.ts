import type { FastifyContextConfig, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Static, type TSchema, Type } from 'typebox';
import type { Page, PageRequest } from '../../adapters/db/pagination.js';
import type { Caller } from '../../app/accounts/api-keys.js';
import type { AnswerOnce } from '../../app/shared/answer-once.js';
import type { RequestContext } from '../../app/shared/command-context.js';
import type { Deps } from '../../app/shared/deps.js';
import type { IdPrefix } from '../../app/shared/ids.js';
import type { Result } from '../../domain/errors.js';
import type { Tenant } from '../../domain/tenant.js';
import { commandContextOf } from '../auth.js';
import { unwrap } from '../errors.js';
import { answerOnce, type RouteAnswer, sendAnswer } from '../idempotency.js';
import { listBody, pageRequestOf } from '../pagination.js';
import { ErrorResponses, Id, ListQuery, ListResponse } from '../schemas.js';

/**
 * What a handler of a resource route gets: the request's command context (given as is to
 * the use case), its caller and the raw request.
 */
export interface RouteContext extends RequestContext {
  readonly caller: Caller;
  readonly request: FastifyRequest;
}

/**
 * One resource's REST shape, declared once: `POST /v1/<things>`, `GET/PATCH/DELETE
 * /v1/<things>/:<thing>_id`, `GET /v1/<things>`, and `POST /v1/<things>/:<thing>_id/<action>`.
 * Every answer is `{"<thing>": <serialized row>}` (a list: `{"<things>": [...], has_more,
 * next_cursor}`), every failure goes through `unwrap`, and the OpenAPI document gets the same
 * schemas a handwritten route would declare.
 */
export interface ResourceSpec<Row, S extends TSchema> {
  /** `tax_rate`: the answer's key, the root key of create/update bodies, `object`. */
  readonly key: string;
  /** `tax_rates`: the list's key; the key and an `s` when not given. */
  readonly listKey?: string;
  /** `/v1/tax_rates`; `/v1/<listKey>` when not given. */
  readonly path?: string;
  /** `tax_rate_id`: the path parameter and the deleted answer's id field; `<key>_id` when not given. */
  readonly idParam?: string;
  readonly idPrefix: IdPrefix;
  readonly tags: string[];
  /** The wire object's schema (`src/resources`). */
  readonly schema: S;
  /** The resource serializer (`src/resources`): its answer must fit the schema's type. */
  readonly serialize: (row: Row, context: RouteContext) => Static<S>;
}

interface Operation {
  readonly summary: string;
  readonly description?: string;
  readonly config?: FastifyContextConfig;
}

type Answer<Row> = Promise<Result<Row>>;

export function resourceRoutes<Row, S extends TSchema>(
  server: FastifyInstance,
  deps: Deps,
  resource: ResourceSpec<Row, S>,
) {
  const listKey = resource.listKey ?? `${resource.key}s`;
  const spec = {
    ...resource,
    listKey,
    path: resource.path ?? `/v1/${listKey}`,
    idParam: resource.idParam ?? `${resource.key}_id`,
  };
  const params = Type.Object(
    { [spec.idParam]: Id(spec.idPrefix) },
    { additionalProperties: false },
  );
  const response = Type.Object({ [spec.key]: spec.schema });
  const contextOf = (request: FastifyRequest): RouteContext => commandContextOf(request, deps);
  const idOf = (request: FastifyRequest) =>
    (request.params as Record<string, string>)[spec.idParam] as string;
  const answer = (row: Row, context: RouteContext) => ({
    [spec.key]: spec.serialize(row, context),
  });
  const route = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    operation: Operation,
    schema: Record<string, unknown>,
    handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
  ) =>
    server.route({
      method,
      url,
      ...(operation.config && { config: operation.config }),
      schema: {
        tags: spec.tags,
        summary: operation.summary,
        ...(operation.description && { description: operation.description }),
        ...schema,
      },
      handler,
    });
  const item = `${spec.path}/:${spec.idParam}`;

  return {
    /**
     * `POST /v1/<things>`. `run` gets the request's recovery point (`AnswerOnce`, with an
     * Idempotency-Key): a command that writes it with its outcome completes the key in the
     * same commit, and the stored bytes are what this request and every replay send.
     */
    create<B extends TSchema>(
      op: Operation & {
        body: B;
        run: (context: RouteContext, body: Static<B>, answer?: AnswerOnce<Row>) => Answer<Row>;
      },
    ) {
      const schema = { body: op.body, response: ok(response) };
      route('POST', spec.path, op, schema, async (request, reply) => {
        const context = contextOf(request);
        const respond = (row: Row): RouteAnswer => ({ status: 200, body: answer(row, context) });
        const recovery = answerOnce(request, reply, respond);
        const row = unwrap(await op.run(context, request.body as Static<B>, recovery));
        return sendAnswer(request, reply, () => respond(row));
      });
    },
    /** `POST /v1/<things>` answering something else than the object (a secret shown once). */
    createAnswering<B extends TSchema, V, A extends TSchema>(
      op: Operation & {
        body: B;
        response: A;
        run: (context: RouteContext, body: Static<B>) => Answer<V>;
        answer: (value: V, context: RouteContext) => Static<A>;
      },
    ) {
      const schema = { body: op.body, response: ok(op.response) };
      route('POST', spec.path, op, schema, async (request) => {
        const context = contextOf(request);
        const value = unwrap(await op.run(context, request.body as Static<B>));
        return op.answer(value, context);
      });
    },
    get(op: Operation & { run: (context: RouteContext, id: string) => Answer<Row> }) {
      route('GET', item, op, { params, response: ok(response) }, async (request) => {
        const context = contextOf(request);
        return answer(unwrap(await op.run(context, idOf(request))), context);
      });
    },
    update<B extends TSchema>(
      op: Operation & {
        body: B;
        run: (context: RouteContext, id: string, body: Static<B>) => Answer<Row>;
      },
    ) {
      const schema = { params, body: op.body, response: ok(response) };
      route('PATCH', item, op, schema, async (request) => {
        const context = contextOf(request);
        const row = unwrap(await op.run(context, idOf(request), request.body as Static<B>));
        return answer(row, context);
      });
    },
    /** `DELETE`: answers `{"<thing>": {"<thing>_id", "object", "deleted": true}}`. */
    remove(op: Operation & { run: (context: RouteContext, id: string) => Answer<{ id: string }> }) {
      const deleted = Type.Object({
        [spec.key]: Type.Object({
          [spec.idParam]: Type.String(),
          object: Type.Literal(spec.key),
          deleted: Type.Literal(true),
        }),
      });
      route('DELETE', item, op, { params, response: ok(deleted) }, async (request) => {
        const row = unwrap(await op.run(contextOf(request), idOf(request)));
        return { [spec.key]: { [spec.idParam]: row.id, object: spec.key, deleted: true } };
      });
    },
    list<F extends Record<string, TSchema>>(
      op: Operation & {
        filters: F;
        run: (
          context: RouteContext,
          query: Static<ReturnType<typeof ListQuery<F>>>,
          page: PageRequest,
        ) => Promise<Page<Row> | Result<Page<Row>>>;
      },
    ) {
      const querystring = ListQuery(spec.idPrefix, op.filters);
      const response = ok(ListResponse(spec.listKey, spec.schema));
      route('GET', spec.path, op, { querystring, response }, async (request) => {
        const context = contextOf(request);
        const query = request.query as Static<typeof querystring>;
        const listed = await op.run(context, query, pageRequestOf(query as ListParams));
        const page = 'ok' in listed ? unwrap(listed) : listed;
        return listBody(spec.listKey, page, (row) => spec.serialize(row, context));
      });
    },
    /** `POST /v1/<things>/:<thing>_id/<name>`, answering the object. */
    action<B extends TSchema>(
      name: string,
      op: Operation & {
        body: B;
        run: (context: RouteContext, id: string, body: Static<B>) => Answer<Row>;
      },
    ) {
      const schema = { params, body: op.body, response: ok(response) };
      route('POST', `${item}/${name}`, op, schema, async (request) => {
        const context = contextOf(request);
        const row = unwrap(await op.run(context, idOf(request), request.body as Static<B>));
        return answer(row, context);
      });
    },
    /** `POST /v1/<things>/:<thing>_id/<name>` answering something else than the object. */
    actionAnswering<B extends TSchema, V, A extends TSchema>(
      name: string,
      op: Operation & {
        body: B;
        response: A;
        run: (context: RouteContext, id: string, body: Static<B>) => Answer<V>;
        answer: (value: V, context: RouteContext) => Static<A>;
      },
    ) {
      const schema = { params, body: op.body, response: ok(op.response) };
      route('POST', `${item}/${name}`, op, schema, async (request) => {
        const context = contextOf(request);
        const value = unwrap(await op.run(context, idOf(request), request.body as Static<B>));
        return op.answer(value, context);
      });
    },
  };
}

type ListParams = Parameters<typeof pageRequestOf>[0];

/** A route's `run` for a use case of the caller's tenant, `(deps, tenant, …args)`. */
export function ofCaller<A extends unknown[], T>(
  call: (deps: Deps, tenant: Tenant, ...args: A) => T,
) {
  return ({ deps, caller }: RouteContext, ...args: A): T => call(deps, caller, ...args);
}

function ok(schema: TSchema) {
  return { 200: schema, ...ErrorResponses };
}
