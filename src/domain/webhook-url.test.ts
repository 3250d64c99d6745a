import { describe, expect, it } from 'vitest';
import { parseWebhookUrl } from './webhook-url.js';

describe('parseWebhookUrl', () => {
  it('normalises the URL and tells a literal address from a name', () => {
    expect(parseWebhookUrl('HTTPS://Hooks.Example.com:443/a?b=c', 'live')).toEqual({
      ok: true,
      value: {
        href: 'https://hooks.example.com/a?b=c',
        hostname: 'hooks.example.com',
        address: null,
      },
    });
    expect(parseWebhookUrl('https://[2606:4700:4700::1111]:8080/', 'live')).toEqual({
      ok: true,
      value: {
        href: 'https://[2606:4700:4700::1111]:8080/',
        hostname: '[2606:4700:4700::1111]',
        address: '2606:4700:4700::1111',
      },
    });
  });

  // WHATWG URL reads every IPv4 spelling the way a socket would: all of these are 127.0.0.1.
  it.each([
    ['http://2130706433/', '127.0.0.1'],
    ['http://0177.0.0.1/', '127.0.0.1'],
    ['http://0x7f000001/', '127.0.0.1'],
    ['http://0x7f.0.0.1/', '127.0.0.1'],
    ['http://127.1/', '127.0.0.1'],
    ['http://017700000001/', '127.0.0.1'],
    ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1'],
  ])('refuses %s (%s) in live mode, allows it (loopback) in test mode', (url, address) => {
    const live = parseWebhookUrl(url, 'live');
    expect(live.ok).toBe(false);
    if (!live.ok) {
      expect(live.error.code).toBe('parameter_invalid');
      expect(live.error.loc).toEqual(['webhook_endpoint', 'url']);
      expect(live.error.message).toContain(address);
    }
    const test = parseWebhookUrl(url, 'test');
    expect(test.ok && test.value.address).toBe(address);
  });

  // Test mode reaches loopback for local development, never the private network.
  it.each([
    ['http://0/', '0.0.0.0'],
    ['http://3232235777/', '192.168.1.1'],
    ['http://10.0.0.5/', '10.0.0.5'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254'],
    ['http://[fd00::1]/', 'fd00::1'],
  ])('refuses %s (%s) in both modes', (url, address) => {
    for (const mode of ['live', 'test'] as const) {
      const parsed = parseWebhookUrl(url, mode);
      expect(parsed.ok, mode).toBe(false);
      if (!parsed.ok) expect(parsed.error.message).toContain(address);
    }
  });

  it.each([
    'not a url',
    '/relative/path',
    'ftp://example.com/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/plain,hi',
    'https://user:pass@example.com/',
    'https://user@example.com/',
    'http://',
  ])('refuses %s in any mode', (url) => {
    for (const mode of ['test', 'live'] as const) {
      const result = parseWebhookUrl(url, mode);
      expect(result.ok, `${url} in ${mode}`).toBe(false);
    }
  });

  it.each([
    'http://hooks.example.com/',
    'http://93.184.215.14/hook',
    'HTTP://[2606:4700:4700::1111]:443/',
  ])('refuses the public plain-http URL %s in live mode only', (url) => {
    const live = parseWebhookUrl(url, 'live');
    expect(live.ok).toBe(false);
    if (!live.ok) {
      expect(live.error.code).toBe('parameter_invalid');
      expect(live.error.loc).toEqual(['webhook_endpoint', 'url']);
    }
    expect(parseWebhookUrl(url, 'test').ok).toBe(true);
  });

  it.each(['http://localhost/', 'http://LocalHost./x', 'http://a.b.localhost:80/'])(
    'refuses the local name %s in live mode only',
    (url) => {
      expect(parseWebhookUrl(url, 'live').ok).toBe(false);
      expect(parseWebhookUrl(url, 'test').ok).toBe(true);
    },
  );
});
