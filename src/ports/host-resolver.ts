/** An address a host name resolves to. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/**
 * Resolves a host name to its addresses: the system resolver in production; tests inject
 * their own (a name that is public when checked and private when called, for instance).
 */
export type HostResolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;
