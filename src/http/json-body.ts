import type { FastifyInstance } from 'fastify';
import { ApiError } from './errors.js';

/** Far deeper than any body a route accepts (an order with metadata on a line nests five). */
export const MAX_JSON_DEPTH = 64;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether JSON text nests objects and arrays deeper than `max`: one pass over the raw
 * text, brackets inside strings not counted. Malformed text is left to the parser.
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return false;
}

/**
 * JSON bodies, with their depth bounded before anything recurses over them (the parser's
 * prototype-poisoning scan, schema validation, the text-safety walk): a body nested
 * thousands deep would otherwise overflow the stack. An empty body with a JSON content
 * type (as some clients send on DELETE) is no body.
 */
export function registerJsonParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '' || body === undefined) return done(null, undefined);
    if (nestsDeeperThan(body as string, MAX_JSON_DEPTH)) {
      return done(
        new ApiError('body_too_deep', `Request body nests deeper than ${MAX_JSON_DEPTH} levels`),
      );
    }
    parseJson(request, body as string, done);
  });
}
