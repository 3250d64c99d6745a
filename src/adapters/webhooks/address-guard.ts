import { isIP, type LookupFunction } from 'node:net';
import type { buildConnector } from 'undici';
import {
  describeAddress,
  describeRefusedAddress,
  isReachable,
} from '../../domain/network-address.js';
import type { Mode } from '../../domain/tenant.js';
import type { HostResolver } from '../../ports/host-resolver.js';

/** A connection to an address the webhook's mode may not reach, refused before it was made. */
export class RefusedAddressError extends Error {
  readonly code = 'FLINT_ADDRESS_REFUSED';
  constructor(hostname: string, address: string, mode: Mode) {
    const what =
      hostname === address
        ? describeRefusedAddress(address)
        : `${hostname} resolves to ${address}, ${describeAddress(address)}`;
    super(
      `refused: ${what} (${mode === 'live' ? 'live-mode webhooks reach public addresses only' : 'test-mode webhooks reach public or loopback addresses only'})`,
    );
  }
}

/**
 * A `lookup` for sockets that resolves with `resolver` and refuses every name with any
 * address the mode may not reach (`isReachable`). The socket connects to the address checked here, so a name that
 * changes its answer between the check and the connection (DNS rebinding) gains nothing.
 */
export function guardedLookup(resolver: HostResolver, mode: Mode = 'live'): LookupFunction {
  return (hostname, options, callback) => {
    resolver(hostname).then(
      (resolved) => {
        const refused = resolved.find((a) => !isReachable(a.address, mode));
        if (refused) {
          return callback(new RefusedAddressError(hostname, refused.address, mode), '', 4);
        }
        const usable = resolved.filter((a) => !options.family || a.family === options.family);
        const first = usable[0];
        if (!first) {
          const error: NodeJS.ErrnoException = new Error(`could not resolve ${hostname}`);
          error.code = 'ENOTFOUND';
          return callback(error, '', 4);
        }
        if (options.all)
          return callback(
            null,
            usable.map((a) => ({ ...a })),
          );
        callback(null, first.address, first.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 4),
    );
  };
}

/**
 * Wraps a connector so that an IP literal host (which sockets connect to without any
 * lookup) is checked too; names go through `guardedLookup`.
 */
export function guardedConnector(
  base: buildConnector.connector,
  mode: Mode = 'live',
): buildConnector.connector {
  return (options, callback) => {
    const host = options.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(host) !== 0 && !isReachable(host, mode)) {
      return callback(new RefusedAddressError(host, host, mode), null);
    }
    base(options, callback);
  };
}
