// camelCase in the SDK, snake_case on the wire — except the keys of metadata, which are
// the merchant's own and pass through untouched both ways. What the SDK returns also
// answers to `id`: an object's own `<type>_id` (the wire keeps only `<type>_id`).

/** Fields whose value is a map of the merchant's own keys. */
const VERBATIM = new Set(['metadata', 'refund_metadata', 'refundMetadata']);

export function snakeKey(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export function camelKey(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** A request body or query, camelCase → snake_case (metadata keys untouched). */
export function toWire(value: unknown): unknown {
  return convert(value, snakeKey, false);
}

/**
 * Objects that do not say their type (`object`) but sit where only one type can: the
 * order's `payments` are payment intents. Keep in step with `NestedTypes` in types.ts.
 */
const NESTED_TYPES: ReadonlyMap<string, string> = new Map([['payments', 'payment_intent']]);

/** `{ id }` when the object has its own `<type>_id` (`type`: what its place says it is). */
function idOf(wire: Record<string, unknown>, type: string | undefined): { id?: string } {
  const own = typeof wire.object === 'string' ? wire.object : type;
  const id = own === undefined ? undefined : wire[`${own}_id`];
  return typeof id === 'string' ? { id } : {};
}

function convert(
  value: unknown,
  rename: (key: string) => string,
  ids: boolean,
  type?: string,
): unknown {
  if (Array.isArray(value)) return value.map((item) => convert(item, rename, ids, type));
  if (value === null || typeof value !== 'object') return value;
  const wire = value as Record<string, unknown>;
  const out: Record<string, unknown> = ids ? idOf(wire, type) : {};
  for (const [key, item] of Object.entries(wire)) {
    out[rename(key)] = VERBATIM.has(key) ? item : convert(item, rename, ids, NESTED_TYPES.get(key));
  }
  return out;
}

/**
 * A response, snake_case → camelCase (metadata keys untouched); every object with its
 * own `<type>_id` also gets it as `id` (`order.id`, `order.payments[0].id`).
 */
export function fromWire<T>(value: unknown): T {
  return convert(value, camelKey, true) as T;
}
