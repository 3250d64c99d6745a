import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AddressRange, addressRange, isPublicAddress } from './network-address.js';

const TABLE: [string, AddressRange][] = [
  ['8.8.8.8', 'public'],
  ['1.1.1.1', 'public'],
  ['93.184.215.14', 'public'],
  ['172.15.255.255', 'public'],
  ['172.32.0.0', 'public'],
  ['100.63.255.255', 'public'],
  ['100.128.0.0', 'public'],
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['10.0.0.1', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.0.1', 'private'],
  ['169.254.169.254', 'link_local'],
  ['169.254.0.1', 'link_local'],
  ['100.64.0.1', 'carrier_grade_nat'],
  ['100.127.255.255', 'carrier_grade_nat'],
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['255.255.255.255', 'broadcast'],
  ['240.0.0.1', 'reserved'],
  ['192.0.0.8', 'reserved'],
  ['192.0.2.1', 'reserved'],
  ['198.18.0.1', 'reserved'],
  ['203.0.113.7', 'reserved'],
  // IPv6
  ['2606:4700:4700::1111', 'public'],
  ['2a00:1450:4001:80b::200e', 'public'],
  ['::1', 'loopback'],
  ['::', 'unspecified'],
  ['fe80::1', 'link_local'],
  ['fe80::1%eth0', 'link_local'],
  ['fc00::1', 'unique_local'],
  ['fd12:3456::1', 'unique_local'],
  ['fec0::1', 'unique_local'],
  ['ff02::1', 'multicast'],
  ['2001:db8::1', 'reserved'],
  ['100::1', 'reserved'],
  ['::7f00:1', 'reserved'], // IPv4-compatible (deprecated): never global
  ['::127.0.0.1', 'loopback'], // ipaddr.js reads this spelling as IPv4-mapped
  ['64:ff9b:1::a00:1', 'reserved'], // local-use NAT64
  ['5f00::1', 'reserved'],
  // IPv6 carrying IPv4: judged by the IPv4 address
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['::ffff:10.0.0.1', 'private'],
  ['::ffff:169.254.169.254', 'link_local'],
  ['::ffff:8.8.8.8', 'public'],
  ['::ffff:0:127.0.0.1', 'loopback'], // IPv4-translated
  ['64:ff9b::127.0.0.1', 'loopback'], // NAT64
  ['64:ff9b::8.8.8.8', 'public'],
  ['2002:7f00:1::', 'loopback'], // 6to4 of 127.0.0.1
  ['2002:c0a8:101::1', 'private'], // 6to4 of 192.168.1.1
  ['2002:808:808::1', 'public'],
  // Teredo: server 65.54.227.120, client 127.0.0.1 (bits flipped: 80ff:fffe)
  ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'loopback'],
  // Teredo: server 65.54.227.120, client 8.8.8.8 (bits flipped: f7f7:f7f7)
  ['2001:0:4136:e378:8000:63bf:f7f7:f7f7', 'public'],
  // Bracketed, as URLs write them
  ['[::1]', 'loopback'],
  ['localhost', 'not_an_ip_address'],
  ['', 'not_an_ip_address'],
];

describe('addressRange', () => {
  it.each(TABLE)('%s is %s', (address, range) => {
    expect(addressRange(address)).toBe(range);
  });

  const octet = fc.integer({ min: 0, max: 255 });
  const v4 = fc.tuple(octet, octet, octet, octet);
  const dotted = ([a, b, c, d]: number[]) => `${a}.${b}.${c}.${d}`;
  const hex = ([a = 0, b = 0, c = 0, d = 0]: number[]) =>
    `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;

  it('judges every IPv4 address embedded in IPv6 (mapped, NAT64, 6to4) as the IPv4 address', () => {
    fc.assert(
      fc.property(v4, (octets) => {
        const expected = addressRange(dotted(octets));
        expect(addressRange(`::ffff:${dotted(octets)}`)).toBe(expected);
        expect(addressRange(`::ffff:${hex(octets)}`)).toBe(expected);
        expect(addressRange(`64:ff9b::${hex(octets)}`)).toBe(expected);
        expect(addressRange(`2002:${hex(octets)}::1`)).toBe(expected);
      }),
    );
  });

  it('never calls an address in a private, loopback, link-local or CGNAT block public', () => {
    const blocks: [number, number, number][] = [
      [127, 0, 8],
      [10, 0, 8],
      [172, 16, 12],
      [192, 168, 16],
      [169, 254, 16],
      [100, 64, 10],
      [0, 0, 8],
      [224, 0, 4],
      [240, 0, 4],
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...blocks),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        ([first, second, bits], random) => {
          const base = ((first << 24) | (second << 16)) >>> 0;
          const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
          const value = ((base & mask) | (random & ~mask)) >>> 0;
          const address = [24, 16, 8, 0].map((s) => (value >>> s) & 0xff).join('.');
          expect(isPublicAddress(address), address).toBe(false);
        },
      ),
    );
  });

  it('calls public only global unicast IPv6 (2000::/3) outside special blocks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }),
        (parts) => {
          const address = parts.map((p) => p.toString(16)).join(':');
          if (isPublicAddress(address)) expect((parts[0] ?? 0) >> 13).toBe(1);
        },
      ),
    );
  });
});
