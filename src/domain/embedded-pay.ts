import { fail, ok, type Result } from './errors.js';
import type { Mode } from './tenant.js';

// Embedded pay: a checkout session shown inside the merchant's own page (an iframe that
// /js/flint.js mounts) instead of on a page of its own. Pure rules: which fields go with
// which mode, and what an allowed origin is.

/** How a checkout session is shown: its own page (`hosted`) or framed in the merchant's. */
export const CHECKOUT_UI_MODES = ['hosted', 'embedded'] as const;
export type CheckoutUiMode = (typeof CHECKOUT_UI_MODES)[number];

/** At most this many origins may frame one session. */
export const MAX_ALLOWED_ORIGINS = 10;

/** What a create request says about where the session is shown and where it leads. */
export interface UiModeInput {
  readonly ui_mode?: CheckoutUiMode | undefined;
  readonly allowed_origins?: readonly string[] | undefined;
  readonly success_url?: string | undefined;
  readonly cancel_url?: string | undefined;
  readonly return_url?: string | undefined;
}

/** The session's columns that follow from it. */
export interface UiModeSettings {
  readonly ui_mode: CheckoutUiMode;
  readonly allowed_origins: readonly string[];
  readonly success_url: string | null;
  readonly cancel_url: string | null;
  readonly return_url: string | null;
}

const LOOPBACK = /^(localhost|[a-z0-9-]+\.localhost|127\.0\.0\.1|\[::1\])$/;
const HOST = /^([a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:.]+\]$/;

const invalid = (message: string, ...loc: (string | number)[]) =>
  fail({ code: 'parameter_invalid', message, loc: ['checkout_session', ...loc] });

/**
 * One origin as a browser sends it in `Origin`: scheme, host and port, nothing else
 * (`https://shop.example`, `http://localhost:3000`); a trailing `/` is accepted and
 * dropped, letters are lower-cased. Live mode takes `https` only, but for the loopback
 * hosts a merchant develops on.
 */
export function parseOrigin(text: string, mode: Mode): Result<string> {
  const problem = `must be an origin: scheme, host and port only, like https://shop.example`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail({ code: 'parameter_invalid', message: problem });
  }
  const bare = text.endsWith('/') ? text.slice(0, -1) : text;
  if (
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.username !== '' ||
    url.password !== '' ||
    !HOST.test(url.hostname) ||
    bare.toLowerCase() !== url.origin.toLowerCase()
  ) {
    return fail({ code: 'parameter_invalid', message: problem });
  }
  if (mode === 'live' && url.protocol !== 'https:' && !LOOPBACK.test(url.hostname)) {
    return fail({
      code: 'parameter_invalid',
      message: 'must use https in live mode (http only for localhost)',
    });
  }
  return ok(url.origin);
}

/**
 * Checks the fields against the mode, as Stripe does: a hosted session leads to its
 * `success_url` (and may have a `cancel_url`); an embedded one lives in the merchant's
 * page, so it names the origins that may frame it and a `return_url` instead.
 */
export function uiModeSettingsOf(input: UiModeInput, mode: Mode): Result<UiModeSettings> {
  const uiMode = input.ui_mode ?? 'hosted';
  if (uiMode === 'hosted') {
    if (input.allowed_origins !== undefined) {
      return invalid('allowed_origins goes with ui_mode "embedded"', 'allowed_origins');
    }
    if (input.return_url !== undefined) {
      return invalid(
        'return_url goes with ui_mode "embedded"; a hosted session uses success_url',
        'return_url',
      );
    }
    if (input.success_url === undefined) {
      return invalid('A hosted checkout session needs a success_url', 'success_url');
    }
    return ok({
      ui_mode: uiMode,
      allowed_origins: [],
      success_url: input.success_url,
      cancel_url: input.cancel_url ?? null,
      return_url: null,
    });
  }
  if (input.success_url !== undefined || input.cancel_url !== undefined) {
    const field = input.success_url !== undefined ? 'success_url' : 'cancel_url';
    return invalid(
      `${field} goes with ui_mode "hosted"; an embedded session uses return_url`,
      field,
    );
  }
  if (input.return_url === undefined) {
    return invalid('An embedded checkout session needs a return_url', 'return_url');
  }
  const given = input.allowed_origins ?? [];
  if (given.length === 0 || given.length > MAX_ALLOWED_ORIGINS) {
    return invalid(
      `An embedded checkout session needs 1 to ${MAX_ALLOWED_ORIGINS} allowed_origins: the origins of the merchant's pages that may show it`,
      'allowed_origins',
    );
  }
  const origins: string[] = [];
  for (const [index, text] of given.entries()) {
    const origin = parseOrigin(text, mode);
    if (!origin.ok) {
      return invalid(`allowed_origins[${index}] ${origin.error.message}`, 'allowed_origins', index);
    }
    if (!origins.includes(origin.value)) origins.push(origin.value);
  }
  return ok({
    ui_mode: uiMode,
    allowed_origins: origins,
    success_url: null,
    cancel_url: null,
    return_url: input.return_url,
  });
}
