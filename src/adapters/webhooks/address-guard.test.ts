import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import type { HostResolver, ResolvedAddress } from '../../ports/host-resolver.js';
import { guardedConnector, guardedLookup } from './address-guard.js';

const TABLE: Record<string, ResolvedAddress[]> = {
  'public.test': [
    { address: '93.184.215.14', family: 4 },
    { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
  ],
  'private.test': [{ address: '10.0.0.7', family: 4 }],
  'half.test': [
    { address: '93.184.215.14', family: 4 },
    { address: 'fd00::7', family: 6 },
  ],
  'empty.test': [],
};
const resolver: HostResolver = async (hostname) => {
  const found = TABLE[hostname];
  if (!found) throw Object.assign(new Error('nope'), { code: 'ENOTFOUND' });
  return found;
};

function lookup(hostname: string, options: { all?: boolean; family?: number } = {}) {
  return new Promise<{ error: NodeJS.ErrnoException | null; result: unknown }>((resolve) => {
    guardedLookup(resolver)(hostname, options, (error, address, family) =>
      resolve({ error, result: options.all ? address : [address, family] }),
    );
  });
}

describe('guardedLookup', () => {
  it('answers with public addresses, one or all, of the family asked', async () => {
    expect(await lookup('public.test')).toEqual({ error: null, result: ['93.184.215.14', 4] });
    expect((await lookup('public.test', { family: 6 })).result).toEqual([
      '2606:2800:21f:cb07:6820:80da:af6b:8b2c',
      6,
    ]);
    const all = (await lookup('public.test', { all: true })).result as LookupAddress[];
    expect(all.map((a) => a.address)).toEqual([
      '93.184.215.14',
      '2606:2800:21f:cb07:6820:80da:af6b:8b2c',
    ]);
  });

  it('refuses a name with any non-public address, so no connection is attempted', async () => {
    for (const name of ['private.test', 'half.test']) {
      for (const options of [{}, { all: true }]) {
        const { error } = await lookup(name, options);
        expect(error?.code).toBe('FLINT_ADDRESS_REFUSED');
        expect(error?.message).toMatch(new RegExp(`^refused: ${name} resolves to`));
      }
    }
  });

  it('passes on resolution failures', async () => {
    expect((await lookup('missing.test')).error?.code).toBe('ENOTFOUND');
    expect((await lookup('empty.test')).error?.code).toBe('ENOTFOUND');
  });
});

describe('guardedConnector', () => {
  it('refuses an IP literal host (which sockets connect to without a lookup)', async () => {
    const reached: string[] = [];
    const connect = guardedConnector((options, callback) => {
      reached.push(options.hostname);
      callback(new Error('stub'), null);
    });
    const attempt = (hostname: string) =>
      new Promise<Error | null>((resolve) =>
        connect({ hostname, protocol: 'http:', port: '80' }, (...args) => resolve(args[0])),
      );
    for (const host of ['127.0.0.1', '[::1]', '::ffff:7f00:1', '169.254.169.254', '10.1.1.1']) {
      expect((await attempt(host))?.message).toMatch(/^refused: /);
    }
    expect((await attempt('93.184.215.14'))?.message).toBe('stub');
    expect((await attempt('example.com'))?.message).toBe('stub');
    expect(reached).toEqual(['93.184.215.14', 'example.com']);
  });
});
