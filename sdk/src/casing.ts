// camelCase in the SDK, snake_case on the wire — except the keys of metadata, which are
// the merchant's own and pass through untouched both ways.

/** Fields whose value is a map of the merchant's own keys. */
const VERBATIM = new Set(['metadata', 'refund_metadata', 'refundMetadata']);

export function snakeKey(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export function camelKey(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

function convert(value: unknown, rename: (key: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => convert(item, rename));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[rename(key)] = VERBATIM.has(key) ? item : convert(item, rename);
  }
  return out;
}

/** A request body or query, camelCase → snake_case (metadata keys untouched). */
export function toWire(value: unknown): unknown {
  return convert(value, snakeKey);
}

/** A response, snake_case → camelCase (metadata keys untouched). */
export function fromWire<T>(value: unknown): T {
  return convert(value, camelKey) as T;
}
