import { request, type TestServer } from './harness.js';

// The API's operations, read from a test server's /openapi.json: tests that walk them cover
// every route added later without edits.
export interface Operation {
  readonly method: string;
  /** As documented, with `{name}` parameters. */
  readonly path: string;
  /** The id prefix each path parameter's pattern names (`customer_id` → `cus`). */
  readonly idPrefixes: Readonly<Record<string, string>>;
  readonly tag: string;
  readonly admin: boolean;
  /** `security: []`: authenticated otherwise than by a Flint key (a processor's signature). */
  readonly open: boolean;
  /** Changes the whole account: a live key only (a test key gets 403 `live_key_required`). */
  readonly liveKeyOnly: boolean;
  /** The smallest body the route's schema accepts (so the id, not the body, decides). */
  readonly body: Record<string, unknown> | undefined;
  /** That body plus a metadata change where the route takes metadata: a visible change. */
  readonly changingBody: Record<string, unknown> | undefined;
}

/** What `idPrefixes` holds for a path parameter that is a number (a plan's version). */
export const NUMBER_PARAMETER = '#';

/**
 * A syntactically valid id of no object, with a path parameter's prefix (for a number
 * parameter, a number no object has).
 */
export function sampleId(prefix = 'x'): string {
  if (prefix === NUMBER_PARAMETER) return '999999';
  return `${prefix}_01h455vb4pex5vsknk084sn02q`;
}

/** The smallest value a JSON schema accepts (required properties only). */
function minimalValue(schema: any): any {
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (schema.anyOf) return minimalValue(schema.anyOf[0]);
  if (Array.isArray(schema.type)) return minimalValue({ ...schema, type: schema.type[0] });
  switch (schema.type) {
    case 'object':
      return Object.fromEntries(
        (schema.required ?? []).map((k: string) => [k, minimalValue(schema.properties[k])]),
      );
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => minimalValue(schema.items));
    case 'string': {
      if (schema.format === 'date-time') return '2030-01-01T00:00:00Z';
      // An id field takes a well-formed id of its kind (that names no object).
      const prefix = /^\^([a-z]+)_\[/.exec(schema.pattern ?? '')?.[1];
      return prefix ? sampleId(prefix) : 'X'.repeat(schema.minLength ?? 1);
    }
    case 'integer':
    case 'number':
      return schema.minimum ?? 0;
    case 'boolean':
      return false;
    default:
      return null;
  }
}

/** The smallest body, with `metadata` set in its root object when the route takes it. */
function changingValue(schema: any): any {
  const body = minimalValue(schema);
  for (const [root, rootSchema] of Object.entries<any>(schema.properties ?? {})) {
    if (rootSchema?.properties?.metadata && typeof body[root] === 'object') {
      body[root] = { ...body[root], metadata: { changed_by: 'intruder' } };
    }
  }
  return body;
}

/** The document with every `$ref` to a named schema replaced by the schema itself. */
export function inlined(doc: any): any {
  const schemas = doc.components?.schemas ?? {};
  const walk = (value: any): any => {
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== 'object') return value;
    const name = /^#\/components\/schemas\/(.+)$/.exec(value.$ref ?? '')?.[1];
    if (name) return walk(schemas[name]);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
  };
  return { ...doc, paths: walk(doc.paths) };
}

export async function apiOperations(server: Pick<TestServer, 'url'>): Promise<Operation[]> {
  const spec = inlined((await request(server, 'GET', '/openapi.json')).body);
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries<Record<string, any>>(spec.paths)) {
    for (const [method, op] of Object.entries<any>(methods)) {
      const security: object[] = op.security ?? [];
      const schema = op.requestBody?.content?.['application/json']?.schema;
      const parameters: {
        name: string;
        in: string;
        schema?: { pattern?: string; type?: string };
      }[] = op.parameters ?? [];
      operations.push({
        method: method.toUpperCase(),
        path,
        idPrefixes: Object.fromEntries(
          parameters
            .filter((p) => p.in === 'path')
            .map((p) => [
              p.name,
              p.schema?.type === 'integer'
                ? NUMBER_PARAMETER
                : (/^\^(\w+)_/.exec(p.schema?.pattern ?? '')?.[1] ?? 'x'),
            ]),
        ),
        tag: op.tags?.[0] ?? '',
        admin: security.some((s) => 'adminToken' in s),
        open: Array.isArray(op.security) && op.security.length === 0,
        liveKeyOnly: security.some((s) => 'liveKey' in s),
        body: schema ? minimalValue(schema) : undefined,
        changingBody: schema ? changingValue(schema) : undefined,
      });
    }
  }
  return operations;
}
