import { lookup } from 'node:dns/promises';
import type { HostResolver } from '../../ports/host-resolver.js';

/** The operating system's resolver (getaddrinfo: /etc/hosts, then DNS), every address. */
export const systemResolver: HostResolver = async (hostname) => {
  const addresses = await lookup(hostname, { all: true, verbatim: true });
  return addresses.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};
