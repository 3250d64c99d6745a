import ipaddr from 'ipaddr.js';

/**
 * Where an IP address points, for the SSRF guard of live-mode webhooks: `public`, or the
 * kind of non-public range it is in. Addresses that embed an IPv4 address (IPv4-mapped
 * and -translated IPv6, NAT64, 6to4, Teredo) are judged by the address they embed.
 */
export type AddressRange =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'unique_local'
  | 'carrier_grade_nat'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'not_an_ip_address';

const RANGE_NAMES: Record<string, AddressRange> = {
  unicast: 'public',
  loopback: 'loopback',
  private: 'private',
  linkLocal: 'link_local',
  uniqueLocal: 'unique_local',
  deprecatedSiteLocal: 'unique_local',
  carrierGradeNat: 'carrier_grade_nat',
  unspecified: 'unspecified',
  multicast: 'multicast',
  broadcast: 'broadcast',
};

/** 2000::/3, the only IPv6 block IANA hands out as global unicast. */
const GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3');
/** 64:ff9b::/96: NAT64 of a public IPv4 address (64:ff9b:1::/48 is for local use). */
const WELL_KNOWN_NAT64 = ipaddr.IPv6.parseCIDR('64:ff9b::/96');

function v4FromParts(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

function rangeOfV4(ip: ipaddr.IPv4): AddressRange {
  return RANGE_NAMES[ip.range()] ?? 'reserved';
}

/** The least public of several ranges (all must be public for the whole to be). */
function worst(...ranges: AddressRange[]): AddressRange {
  return ranges.find((r) => r !== 'public') ?? 'public';
}

function rangeOfV6(ip: ipaddr.IPv6): AddressRange {
  const [, p1 = 0, p2 = 0, p3 = 0, , , p6 = 0, p7 = 0] = ip.parts;
  switch (ip.range()) {
    case 'ipv4Mapped':
    case 'rfc6145':
      return rangeOfV4(v4FromParts(p6, p7));
    case 'rfc6052':
      return ip.match(WELL_KNOWN_NAT64) ? rangeOfV4(v4FromParts(p6, p7)) : 'reserved';
    case '6to4':
      return rangeOfV4(v4FromParts(p1, p2));
    case 'teredo':
      // The server's address in clear, the client's with every bit flipped.
      return worst(
        rangeOfV4(v4FromParts(p2, p3)),
        rangeOfV4(v4FromParts(~p6 & 0xffff, ~p7 & 0xffff)),
      );
    case 'unicast':
      return ip.match(GLOBAL_UNICAST) ? 'public' : 'reserved';
    default:
      return RANGE_NAMES[ip.range()] ?? 'reserved';
  }
}

/** The range of an address written as DNS answers and URLs write them (`[…]` and zones allowed). */
export function addressRange(address: string): AddressRange {
  const bare = address.replace(/^\[(.*)\]$/, '$1');
  if (!ipaddr.isValid(bare)) return 'not_an_ip_address';
  const ip = ipaddr.parse(bare);
  return ip.kind() === 'ipv4' ? rangeOfV4(ip as ipaddr.IPv4) : rangeOfV6(ip as ipaddr.IPv6);
}

export function isPublicAddress(address: string): boolean {
  return addressRange(address) === 'public';
}

/**
 * Whether a webhook of this mode may go to the address: live mode only to public ones;
 * test mode also to loopback, for local development — never to the private network.
 */
export function isReachable(address: string, mode: 'test' | 'live'): boolean {
  const range = addressRange(address);
  return range === 'public' || (mode === 'test' && range === 'loopback');
}

const DESCRIPTIONS: Record<Exclude<AddressRange, 'public'>, string> = {
  loopback: 'a loopback address',
  private: 'a private address',
  link_local: 'a link-local address',
  unique_local: 'a unique local (private) address',
  carrier_grade_nat: 'a carrier-grade NAT address',
  unspecified: 'the unspecified address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  reserved: 'a reserved address',
  not_an_ip_address: 'not an IP address',
};

/** "a loopback address": what kind of address this is, in words. */
export function describeAddress(address: string): string {
  const range = addressRange(address);
  return range === 'public' ? 'a public address' : DESCRIPTIONS[range];
}

/** "127.0.0.1 is a loopback address" — why a webhook may not go there. */
export function describeRefusedAddress(address: string): string {
  return `${address} is ${describeAddress(address)}`;
}
