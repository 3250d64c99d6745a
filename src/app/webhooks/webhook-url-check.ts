import { fail, ok, type Result } from '../../domain/errors.js';
import { describeAddress, isReachable } from '../../domain/network-address.js';
import type { Mode } from '../../domain/tenant.js';
import { parseWebhookUrl, refusedAddress } from '../../domain/webhook-url.js';
import type { HostResolver } from '../../ports/host-resolver.js';

/** How long creating an endpoint waits for DNS before accepting the name unchecked. */
export const RESOLVE_TIMEOUT_MS = 3000;

async function resolveOrNull(resolver: HostResolver, hostname: string) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), RESOLVE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([resolver(hostname).catch(() => null), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A webhook URL as it will be stored (normalised). It must reach an address its mode may
 * (`isReachable`: public, or loopback in test mode): literal addresses are checked as
 * written, names by what they resolve to now. A
 * name that does not resolve yet is accepted: every delivery checks again where it connects.
 */
export async function checkWebhookUrl(
  resolver: HostResolver,
  mode: Mode,
  raw: string,
): Promise<Result<string>> {
  const parsed = parseWebhookUrl(raw, mode);
  if (!parsed.ok) return parsed;
  const { href, hostname, address } = parsed.value;
  if (address !== null) return ok(href);
  const resolved = (await resolveOrNull(resolver, hostname)) ?? [];
  const refused = resolved.find((a) => !isReachable(a.address, mode));
  if (refused) {
    return fail(
      refusedAddress(
        mode,
        `${hostname} resolves to ${refused.address}, ${describeAddress(refused.address)}`,
      ),
    );
  }
  return ok(href);
}
