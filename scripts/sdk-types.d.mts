/** The TypeScript source of every operation's wire types, from an OpenAPI document. */
export function sdkTypes(doc: unknown): string;
/** A JSON Schema (the subset TypeBox emits) as a TypeScript type. */
export function typeOf(schema: unknown, indent?: string): string;
