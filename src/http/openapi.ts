import type { SwaggerTransformObject } from '@fastify/swagger';
import type { TSchema } from 'typebox';
import { NAMED_SCHEMAS, OPERATION_IDS } from './openapi-names.js';

// The last step of /openapi.json (swagger's `transformObject`): named component schemas
// referenced by `$ref` instead of inlined everywhere, an `operationId` on every operation,
// and `servers`. Only the document changes; routes validate with their own schemas.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A TypeBox schema as @fastify/swagger writes it into an OpenAPI 3.1 document: `const` as a
 * one-value `enum`, `patternProperties` as `additionalProperties`, no `$id`.
 */
export function asDocumented(schema: unknown): Json {
  if (Array.isArray(schema)) return schema.map(asDocumented);
  if (!isObject(schema)) return schema as Json;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$id' || key === '$schema' || key === 'definitions') continue;
    if (key === 'const') out.enum = [value];
    else if (key === 'patternProperties' && isObject(value))
      out.additionalProperties = asDocumented(Object.values(value)[0]);
    else if (key === 'properties' && isObject(value))
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, property]) => [name, asDocumented(property)]),
      );
    else out[key] = asDocumented(value);
  }
  return out;
}

const COMBINING = ['anyOf', 'oneOf', 'allOf', 'not', 'enum', 'const', '$ref'];

/** `{type, enum: [a]}` ∪ `{type, enum: [b]}` … of one type: `{type, enum: [a, b, …]}`. */
function literalUnion(members: Json[]): JsonObject | undefined {
  const values: Json[] = [];
  let type: Json | undefined;
  for (const member of members) {
    if (!isObject(member) || !Array.isArray(member.enum) || typeof member.type !== 'string')
      return undefined;
    if (Object.keys(member).length !== 2 || (type !== undefined && member.type !== type))
      return undefined;
    type = member.type;
    values.push(...member.enum);
  }
  return { type: type as string, enum: values };
}

/** `{type, enum: [a, b]}` ∪ `{type: 'null'}`: `{type: [type, 'null'], enum: [a, b, null]}`. */
function nullableLiterals(members: Json[]): JsonObject | undefined {
  const [values, nothing] = members;
  if (members.length !== 2 || !isObject(values) || !isObject(nothing)) return undefined;
  if (Object.keys(nothing).length !== 1 || nothing.type !== 'null') return undefined;
  if (typeof values.type !== 'string' || !Array.isArray(values.enum)) return undefined;
  if (Object.keys(values).some((key) => COMBINING.includes(key) && key !== 'enum'))
    return undefined;
  return { ...values, type: [values.type, 'null'], enum: [...values.enum, null] };
}

/**
 * `anyOf` of plain schemas of distinct types (`string` or `null`, as `Nullable` makes)
 * written as one schema with a `type` list: the same values (each keyword applies to its
 * own type), and what the /docs reference (Scalar) reads without a validation warning.
 */
export function mergedUnions(value: Json): Json {
  if (Array.isArray(value)) return value.map(mergedUnions);
  if (!isObject(value)) return value;
  const out = Object.fromEntries(
    Object.entries(value).map(([key, child]) => [key, mergedUnions(child)]),
  ) as JsonObject;
  // Any value at all: `true` says it as `{}` does.
  if (isObject(out.additionalProperties) && Object.keys(out.additionalProperties).length === 0)
    out.additionalProperties = true;
  const members = out.anyOf;
  if (!Array.isArray(members) || members.length < 2) return out;
  const nullableEnum = nullableLiterals(members);
  if (nullableEnum) {
    const { anyOf: _nullable, ...others } = out;
    if (Object.keys(others).every((key) => !(key in nullableEnum)))
      return { ...nullableEnum, ...others };
  }
  const literals = literalUnion(members);
  if (literals) {
    const { anyOf: _literals, ...others } = out;
    if (!('type' in others) && !('enum' in others)) return { ...literals, ...others };
  }
  const types = new Set<string>();
  const merged: JsonObject = {};
  for (const member of members) {
    if (!isObject(member) || typeof member.type !== 'string' || types.has(member.type)) return out;
    types.add(member.type);
    for (const [key, keyword] of Object.entries(member)) {
      if (key === 'type') continue;
      if (COMBINING.includes(key) || key in merged) return out;
      merged[key] = keyword;
    }
  }
  const { anyOf: _anyOf, ...rest } = out;
  for (const key of Object.keys(rest)) if (key in merged || key === 'type') return out;
  return { ...merged, ...rest, type: [...types] };
}

/** The same JSON text for equal values whatever their keys' order. */
function canonical(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (!isObject(value)) return JSON.stringify(value);
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k] as Json)}`).join(',')}}`;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** Replaces, from the outside in, every object equal to a named schema by its `$ref`. */
function referencing(
  value: Json,
  names: ReadonlyMap<string, string>,
  used: Set<string>,
  isRoot = false,
): Json {
  if (Array.isArray(value)) return value.map((v) => referencing(v, names, used));
  if (!isObject(value)) return value;
  if (!isRoot) {
    const name = names.get(canonical(value));
    if (name) {
      used.add(name);
      return ref(name);
    }
  }
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [key, referencing(child, names, used)]),
  );
}

/** The document's named schemas (only those it uses), each referencing the others. */
function namedComponents(
  paths: Json,
  named: Readonly<Record<string, TSchema>>,
): { paths: Json; schemas: JsonObject } {
  const documented = Object.entries(named).map(([name, schema]) => {
    const json = mergedUnions(asDocumented(JSON.parse(JSON.stringify(schema))));
    return [name, json] as const;
  });
  const names = new Map(documented.map(([name, json]) => [canonical(json), name]));
  const used = new Set<string>();
  const newPaths = referencing(paths, names, used);
  const schemas: JsonObject = {};
  const pending = [...used];
  const all = new Map(documented);
  while (pending.length > 0) {
    const name = pending.pop() as string;
    if (name in schemas) continue;
    const inner = new Set<string>();
    schemas[name] = referencing(all.get(name) as Json, names, inner, true);
    for (const n of inner) if (!(n in schemas)) pending.push(n);
  }
  const sorted = Object.fromEntries(
    Object.keys(schemas)
      .sort()
      .map((n) => [n, schemas[n]]),
  );
  return { paths: newPaths, schemas: sorted as JsonObject };
}

/** `operationId` from the table, for each `METHOD path` it names. */
function withOperationIds(paths: JsonObject): JsonObject {
  return Object.fromEntries(
    Object.entries(paths).map(([path, methods]) => [
      path,
      isObject(methods)
        ? Object.fromEntries(
            Object.entries(methods).map(([method, operation]) => {
              const id = OPERATION_IDS[`${method.toUpperCase()} ${path}`];
              return [
                method,
                isObject(operation) && id ? { operationId: id, ...operation } : operation,
              ];
            }),
          )
        : methods,
    ]),
  );
}

/** Swagger's `transformObject`: what the served document adds to what swagger builds. */
export function finishOpenapiDocument(publicUrl: string | undefined): SwaggerTransformObject {
  return (documentObject) => {
    if (!('openapiObject' in documentObject)) return documentObject.swaggerObject;
    const document = documentObject.openapiObject as unknown as JsonObject & {
      paths?: JsonObject;
      components?: JsonObject;
    };
    const { paths, schemas } = namedComponents(
      mergedUnions(withOperationIds(document.paths ?? {})),
      NAMED_SCHEMAS,
    );
    const existing = isObject(document.components?.schemas) ? document.components.schemas : {};
    const { openapi, info, ...rest } = document;
    const finished = {
      openapi,
      info,
      servers: [{ url: publicUrl ?? '/', description: 'This Flint server' }],
      ...rest,
      paths,
      components: { ...document.components, schemas: { ...existing, ...schemas } },
    };
    return finished as unknown as ReturnType<SwaggerTransformObject>;
  };
}
