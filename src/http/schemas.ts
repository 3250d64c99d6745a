import {
  type TLiteral,
  type TProperties,
  type TSchema,
  type TSchemaOptions,
  type TUnion,
  Type,
} from 'typebox';
import type { IdPrefix } from '../app/shared/ids.js';
import { idPattern } from '../app/shared/ids.js';
import { METADATA_LIMITS } from '../domain/metadata.js';
import { API_ERROR_CODES } from './error-codes.js';
import { ERROR_TYPES, FIELD_ERROR_TYPES } from './error-vocabulary.js';

export const Metadata = Type.Record(
  Type.String({ maxLength: METADATA_LIMITS.maxKeyLength }),
  Type.String({ maxLength: METADATA_LIMITS.maxValueLength }),
  {
    maxProperties: METADATA_LIMITS.maxKeys,
    propertyNames: { minLength: 1, maxLength: METADATA_LIMITS.maxKeyLength },
    description: 'String→string map: at most 50 keys, keys ≤ 40 and values ≤ 500 characters.',
  },
);

/**
 * Metadata whose values may also be numbers or booleans, stored as their text (the refund
 * guide's `refund_metadata` examples carry numbers, e.g. `"original_amount": 15000`).
 */
export const ScalarMetadata = Type.Record(
  Type.String({ maxLength: METADATA_LIMITS.maxKeyLength }),
  Type.Union([
    Type.String({ maxLength: METADATA_LIMITS.maxValueLength }),
    Type.Number(),
    Type.Boolean(),
  ]),
  {
    maxProperties: METADATA_LIMITS.maxKeys,
    propertyNames: { minLength: 1, maxLength: METADATA_LIMITS.maxKeyLength },
    description: 'Like metadata; number and boolean values are stored as text.',
  },
);

export const Timestamp = Type.String({
  format: 'date-time',
  // RFC 3339 allows a leap second (:60), which no JavaScript Date can hold.
  pattern: '^(?!.*:60(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$)',
  description: 'RFC 3339, UTC',
});

/** The properties every object ends with (`modeAndTimes` in `src/resources`), spread last. */
export const ModeAndTimes = {
  test_mode: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
};

export function Id(prefix: IdPrefix) {
  return Type.String({ pattern: idPattern(prefix), description: `A \`${prefix}_\` id` });
}

export const IdempotencyKey = Type.String({
  minLength: 1,
  maxLength: 255,
  pattern: '^[\\x21-\\x7e]+$',
  description: 'Same as the Idempotency-Key header; the header wins when both are given.',
});

export function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()]);
}

/**
 * The union of a closed list's values (a domain `as const` list), the same schema as
 * writing `Type.Union([Type.Literal(a), Type.Literal(b), …])` by hand, in the list's order.
 */
export function literalUnion<const T extends readonly string[]>(
  values: T,
  options?: TSchemaOptions,
): TUnion<{ -readonly [K in keyof T]: TLiteral<T[K]> }> {
  const literals = values.map((value) => Type.Literal(value));
  return (options ? Type.Union(literals, options) : Type.Union(literals)) as never;
}

/** A request object's fields: any other is a 400 (`additionalProperties: false`). */
export function Fields<T extends TProperties>(properties: T, description?: string) {
  return Type.Object(properties, {
    additionalProperties: false,
    ...(description === undefined ? {} : { description }),
  });
}

/** `RootBody(key, Fields(properties, description))`: a create or update body. */
export function FieldsBody<K extends string, T extends TProperties>(
  key: K,
  properties: T,
  description?: string,
) {
  return RootBody(key, Fields(properties, description));
}

/** `FieldsBody` of an object with metadata: its fields, then `metadata` (optional), last. */
export function MetadataBody<K extends string, T extends TProperties>(
  key: K,
  properties: T,
  description?: string,
) {
  return FieldsBody(key, { ...properties, metadata: Type.Optional(Metadata) }, description);
}

/** A request body wrapping the resource fields in its root key (`{"customer": {...}}`). */
export function RootBody<K extends string, T extends TSchema>(key: K, fields: T) {
  return Type.Object(
    {
      [key]: fields,
      idempotency_key: Type.Optional(IdempotencyKey),
    } as { [P in K]: T } & {
      idempotency_key: ReturnType<typeof Type.Optional<typeof IdempotencyKey>>;
    },
    { additionalProperties: false },
  );
}

/** Keyset pagination parameters shared by every list. */
export function ListQuery<T extends Record<string, TSchema>>(prefix: IdPrefix, filters: T) {
  return Type.Object(
    {
      limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
      starting_after: Type.Optional(Id(prefix)),
      ending_before: Type.Optional(Id(prefix)),
      ...filters,
    },
    { additionalProperties: false },
  );
}

/** `{"<plural>": [...], "has_more", "next_cursor"}` */
export function ListResponse<K extends string, T extends TSchema>(key: K, item: T) {
  return Type.Object({
    [key]: Type.Array(item),
    has_more: Type.Boolean(),
    next_cursor: Nullable(Type.String()),
  } as { [P in K]: ReturnType<typeof Type.Array<T>> } & {
    has_more: ReturnType<typeof Type.Boolean>;
    next_cursor: ReturnType<typeof Nullable<ReturnType<typeof Type.String>>>;
  });
}

const closedList = (values: object, description: string) =>
  Type.String({ enum: Object.keys(values), description });

export const ErrorResponse = Type.Object(
  {
    error: Type.Object(
      {
        type: closedList(ERROR_TYPES, 'The kind of failure (README: Errors)'),
        message: Type.String(),
        code: Type.Optional(
          Type.Union([
            Type.String({ enum: [...API_ERROR_CODES] }),
            Type.String({ description: "On a 402: the processor's own decline code" }),
          ]),
        ),
        errors: Type.Optional(
          Type.Array(
            Type.Object({
              loc: Type.Array(Type.Union([Type.String(), Type.Integer()])),
              msg: Type.String(),
              type: closedList(FIELD_ERROR_TYPES, 'Why the field at loc is refused'),
            }),
          ),
        ),
        request_id: Type.String(),
      },
      { additionalProperties: true },
    ),
  },
  { description: 'The one error shape of every failure' },
);

/** The error responses of every route (for the OpenAPI document and serialization). */
export const ErrorResponses = { '4xx': ErrorResponse, '5xx': ErrorResponse };

/** The body of an action endpoint (cancel, close, expire…): nothing but an optional key. */
export const ActionBody = Type.Object(
  { idempotency_key: Type.Optional(IdempotencyKey) },
  { additionalProperties: false },
);
