import { type Failure, fail, ok, type Result } from './errors.js';
import { describeRefusedAddress, isReachable } from './network-address.js';
import type { Mode } from './tenant.js';

export interface WebhookUrl {
  /** The URL as WHATWG normalises it (`http://2130706433/` is `http://127.0.0.1/`). */
  readonly href: string;
  readonly hostname: string;
  /** The address when the host is an IP literal, else null (a name, to be resolved). */
  readonly address: string | null;
}

export const WEBHOOK_URL_MAX_LENGTH = 2048;

function invalid(message: string): Failure {
  return { code: 'parameter_invalid', message, loc: ['webhook_endpoint', 'url'] };
}

function literalAddress(hostname: string): string | null {
  if (hostname.startsWith('[')) return hostname.slice(1, -1);
  // WHATWG URL has already turned every IPv4 form (decimal, octal, hex, short) into a dotted quad.
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) ? hostname : null;
}

/** Names that mean this machine whatever DNS says (RFC 6761). */
function isLocalName(hostname: string): boolean {
  const name = hostname.replace(/\.$/, '').toLowerCase();
  return name === 'localhost' || name.endsWith('.localhost');
}

/**
 * Parses a webhook URL: http or https, with a host and without credentials. In live mode
 * it must be https, and a literal address or a local name must be public; names are
 * resolved by the caller. Test mode may use plain http (a local receiver).
 */
export function parseWebhookUrl(raw: string, mode: Mode): Result<WebhookUrl> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail(invalid('Not a valid URL'));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return fail(invalid('A webhook URL must use http or https'));
  }
  if (url.username !== '' || url.password !== '') {
    return fail(invalid('A webhook URL must not carry credentials'));
  }
  if (url.hostname === '') return fail(invalid('A webhook URL needs a host'));
  if (url.href.length > WEBHOOK_URL_MAX_LENGTH) {
    return fail(invalid(`A webhook URL has at most ${WEBHOOK_URL_MAX_LENGTH} characters`));
  }
  const address = literalAddress(url.hostname);
  if (address !== null && !isReachable(address, mode)) {
    return fail(refusedAddress(mode, describeRefusedAddress(address)));
  }
  if (mode === 'live' && address === null && isLocalName(url.hostname)) {
    return fail(refusedAddress(mode, `${url.hostname} is this machine`));
  }
  if (mode === 'live' && url.protocol !== 'https:') {
    return fail(invalid('A live-mode webhook URL must use https (test mode also allows http)'));
  }
  return ok({ href: url.href, hostname: url.hostname, address });
}

/** The failure for a URL that reaches an address its mode may not (`isReachable`). */
export function refusedAddress(mode: Mode, reason: string): Failure {
  return invalid(
    mode === 'live'
      ? `A live-mode webhook URL must reach a public address: ${reason} (test mode also allows loopback)`
      : `A test-mode webhook URL must reach a public or loopback address: ${reason}`,
  );
}
