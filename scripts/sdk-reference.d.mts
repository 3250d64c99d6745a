/** The SDK's API reference (Markdown), from its source and the server's OpenAPI document. */
export function sdkReference(doc: unknown): string;
