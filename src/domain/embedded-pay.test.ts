import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_ALLOWED_ORIGINS, parseOrigin, uiModeSettingsOf } from './embedded-pay.js';

describe('parseOrigin', () => {
  it('takes any http(s) origin as a browser serializes it, with or without a trailing slash', () => {
    fc.assert(
      fc.property(fc.webUrl({ validSchemes: ['http', 'https'] }), (text) => {
        const { origin } = new URL(text);
        expect(parseOrigin(origin, 'test')).toEqual({ ok: true, value: origin });
        expect(parseOrigin(`${origin}/`, 'test')).toEqual({ ok: true, value: origin });
      }),
    );
  });

  it('refuses anything more than an origin: a path, a query, a fragment, credentials', () => {
    fc.assert(
      fc.property(
        fc.webUrl({ validSchemes: ['https'], withQueryParameters: true, withFragments: true }),
        (text) => {
          const url = new URL(text);
          const extra = url.pathname !== '/' || url.search !== '' || url.hash !== '';
          fc.pre(extra);
          expect(parseOrigin(text, 'test').ok).toBe(false);
        },
      ),
    );
    expect(parseOrigin('https://a:b@shop.example', 'test').ok).toBe(false);
    expect(parseOrigin('https://*.shop.example', 'test').ok).toBe(false);
  });

  it('in live mode, takes http for the loopback hosts only', () => {
    expect(parseOrigin('http://shop.example', 'live').ok).toBe(false);
    expect(parseOrigin('https://shop.example', 'live').ok).toBe(true);
    for (const host of ['localhost:3000', 'app.localhost', '127.0.0.1:8080', '[::1]:3000']) {
      expect(parseOrigin(`http://${host}`, 'live').ok, host).toBe(true);
    }
  });
});

describe('uiModeSettingsOf', () => {
  it('keeps a hosted session as it always was', () => {
    expect(uiModeSettingsOf({ success_url: 'https://s.example/ok' }, 'test')).toEqual({
      ok: true,
      value: {
        ui_mode: 'hosted',
        allowed_origins: [],
        success_url: 'https://s.example/ok',
        cancel_url: null,
        return_url: null,
      },
    });
  });

  it('dedupes the normalized origins of an embedded one (at most the maximum given)', () => {
    const many = Array.from({ length: MAX_ALLOWED_ORIGINS - 1 }, (_, i) => `https://s${i}.example`);
    const settings = uiModeSettingsOf(
      {
        ui_mode: 'embedded',
        allowed_origins: [...many, 'HTTPS://S0.EXAMPLE/'],
        return_url: 'https://r.example',
      },
      'test',
    );
    expect(settings.ok && settings.value.allowed_origins).toEqual(many);
    const tooMany = uiModeSettingsOf(
      {
        ui_mode: 'embedded',
        allowed_origins: [...many, many[0] ?? '', many[1] ?? ''],
        return_url: 'https://r.example',
      },
      'test',
    );
    expect(tooMany.ok).toBe(false);
  });
});
