/** A wrong invocation (bad flags or key): exits with 2 and points at --help. */
export class UsageError extends Error {}

/** A flag's value as an http or https URL; anything else is a usage error naming the flag. */
export function httpUrlOf(flag: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${flag} is not a URL: ${value}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${flag} must be http or https: ${value}`);
  }
  return url;
}
