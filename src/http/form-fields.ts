/** A posted HTML form (urlencoded), as @fastify/formbody gives it. */
export type Form = Record<string, unknown>;

/**
 * One form field as a single string of at most `max` characters: '' when absent, null
 * when it is repeated (an array), not text, or too long. Pages read fields only this way.
 */
export function formText(form: Form, name: string, max: number): string | null {
  const value = form[name] ?? '';
  return typeof value === 'string' && value.length <= max ? value : null;
}
