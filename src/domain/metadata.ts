import { fail, ok, type Result } from './errors.js';

/** A string→string map attached to objects: ≤ 50 keys, key ≤ 40 chars, value ≤ 500 chars. */
export type Metadata = Record<string, string>;

export const METADATA_LIMITS = { maxKeys: 50, maxKeyLength: 40, maxValueLength: 500 } as const;

/**
 * Applies a metadata update the way Stripe does: keys are merged into what is
 * there, and a key set to the empty string is removed. Returns a failure when
 * the merged map would exceed the key limit.
 */
export function mergeMetadata(current: Metadata, update: Metadata): Result<Metadata> {
  // A Map, so that keys such as "__proto__" stay plain data.
  const merged = new Map(Object.entries(withoutEmptyValues(current)));
  for (const [key, value] of Object.entries(update)) {
    if (value === '') merged.delete(key);
    else merged.set(key, value);
  }
  if (merged.size > METADATA_LIMITS.maxKeys) {
    return fail({
      code: 'metadata_invalid',
      message: `Metadata can have at most ${METADATA_LIMITS.maxKeys} keys`,
      loc: ['metadata'],
    });
  }
  return ok(Object.fromEntries(merged));
}

/**
 * The metadata of `object` after an update (`undefined`: unchanged), merged as
 * `mergeMetadata` does; a failure names `<object>.metadata`.
 */
export function updatedMetadata(
  current: Metadata,
  update: Metadata | undefined,
  object: string,
): Result<Metadata> {
  if (update === undefined) return ok(current);
  const merged = mergeMetadata(current, update);
  return merged.ok ? merged : fail({ ...merged.error, loc: [object, 'metadata'] });
}

/** Metadata as stored: an empty value means "no such key", on create as on update. */
export function withoutEmptyValues(metadata: Metadata): Metadata {
  return Object.fromEntries(Object.entries(metadata).filter(([, value]) => value !== ''));
}

/** Metadata given with number or boolean values, as text ("15000", "true"). */
export function metadataAsText(
  values: Readonly<Record<string, string | number | boolean>>,
): Metadata {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, String(value)]));
}
