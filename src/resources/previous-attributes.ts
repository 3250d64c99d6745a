/**
 * Fields every update changes by definition: listing them would make every
 * `previous_attributes` say the same thing, so they are left out.
 */
const ALWAYS_CHANGING: ReadonlySet<string> = new Set(['updated_at', 'version']);

/**
 * What an `*.updated` event shows in `data.previous_attributes`: for each top-level
 * field of the resource whose value differs between `before` and `after`, its value
 * before (shallow: a changed nested object or list appears whole). Both are wire
 * shapes from the same serializer, so equal values serialize to equal JSON.
 */
export function previousAttributes(
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const previous: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (ALWAYS_CHANGING.has(key)) continue;
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      previous[key] = before[key] === undefined ? null : before[key];
    }
  }
  return previous;
}
