import { parseEncryptionKey } from './app/shared/secret-box.js';
import { DEFAULT_RETRY_SCHEDULE_MS, parseRetrySchedule } from './domain/webhook-retry.js';

/** Which proxies' `X-Forwarded-*` headers are believed: all, this many hops, or these addresses. */
export type TrustProxy = boolean | number | readonly string[];

/** Runtime settings, from the environment with CLI flags on top. */
export interface Config {
  /** `postgres://…` selects PostgreSQL; otherwise the embedded database in `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly adminToken: string | undefined;
  /** `FLINT_PUBLIC_URL`: the base of hosted-page URLs in API objects and events. */
  readonly publicUrl: string | undefined;
  readonly logLevel: string;
  readonly rateLimitPerSecond: number;
  /** Hosted pages, per address per minute: page views, and payment attempts. */
  readonly pageRateLimits: { readonly pages: number; readonly payments: number };
  readonly dbPoolSize: number;
  /** Prepare PostgreSQL statements once per connection (off behind a pooler that cannot). */
  readonly dbPreparedStatements: boolean;
  /** How often pending payments and refunds are settled, and how old they must be. */
  readonly settlementIntervalMs: number;
  /**
   * `FLINT_ENCRYPTION_KEY` (32 bytes): seals the processor secrets merchants store and signs
   * the pages' CSRF tokens (separate subkeys), the same in every process. `flint serve` and
   * `flint worker` refuse to start without it.
   */
  readonly encryptionKey: Buffer | undefined;
  /**
   * Whether `flint serve` also runs the background workers (`FLINT_SERVE_WORKERS`, true by
   * default); false leaves them to `flint worker` processes.
   */
  readonly serveWorkers: boolean;
  /** Webhook delivery: the delay before each attempt (the Standard Webhooks schedule). */
  readonly webhookRetryScheduleMs: readonly number[];
  /** How long one webhook attempt may take before it counts as failed. */
  readonly webhookTimeoutMs: number;
  /** How often the webhook worker looks for new events when idle. */
  readonly webhookPollIntervalMs: number;
  /** Webhook attempts in flight at once, per process. */
  readonly webhookConcurrency: number;
  /** An endpoint whose deliveries have all failed for this long is disabled. */
  readonly webhookDisableAfterMs: number;
  /** `FLINT_TRUST_PROXY`: behind a TLS-terminating proxy, the client's address and scheme. */
  readonly trustProxy: TrustProxy;
  /**
   * How often this process tells the database it is alive; after a few missed beats its
   * requests in flight count as abandoned (a crash), and retries may run them.
   */
  readonly heartbeatIntervalMs: number;
  /** The sandbox processor's simulated round trip per charge and refund (demos, drills). */
  readonly sandboxLatencyMs: number;
  /**
   * `FLINT_SMTP_URL` and `FLINT_MAIL_FROM`: live-mode mail goes out through this SMTP server.
   * Without them no mail is sent: it is kept in the mailbox (the console's Mail page).
   */
  readonly smtp: SmtpConfig | undefined;
}

export interface SmtpConfig {
  /** `smtp://user:pass@host:587` or `smtps://user:pass@host:465`. */
  readonly url: string;
  /** The sender of every mail: `Shop <billing@shop.example>`. */
  readonly from: string;
}

/** Both or neither: a server to send through needs an address to send as. */
export function parseSmtp(
  url: string | undefined,
  from: string | undefined,
): SmtpConfig | undefined {
  if (!url && !from) return undefined;
  if (!url || !from) {
    throw new Error('FLINT_SMTP_URL and FLINT_MAIL_FROM are set together (or neither)');
  }
  let protocol: string | undefined;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'smtp:' && protocol !== 'smtps:') {
    throw new Error('FLINT_SMTP_URL must be an smtp:// or smtps:// URL');
  }
  if (!from.includes('@') || /[\r\n]/.test(from)) {
    throw new Error(
      `FLINT_MAIL_FROM must be one address ("Shop <billing@shop.example>"), got "${from}"`,
    );
  }
  return { url, from };
}

function integer(
  name: string,
  value: string | undefined,
  fallback: number,
  min = 1,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

function flag(name: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new Error(`${name} must be true or false, got "${value}"`);
}

const PROXY_ADDRESS = /^[0-9A-Fa-f.:]+(\/\d{1,3})?$|^(loopback|linklocal|uniquelocal)$/;

function trustProxy(value: string | undefined): TrustProxy {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return integer('FLINT_TRUST_PROXY', value, 0, 1, 100);
  const addresses = value.split(',').map((a) => a.trim());
  if (addresses.every((a) => PROXY_ADDRESS.test(a))) return addresses;
  throw new Error(
    `FLINT_TRUST_PROXY must be true, false, a hop count or comma-separated proxy addresses (e.g. "10.0.0.0/8,127.0.0.1"), got "${value}"`,
  );
}

function retrySchedule(value: string | undefined): readonly number[] {
  if (value === undefined || value === '') return DEFAULT_RETRY_SCHEDULE_MS;
  const schedule = parseRetrySchedule(value);
  if (!schedule) {
    throw new Error(
      `FLINT_WEBHOOK_RETRY_SCHEDULE must be comma-separated delays in seconds (e.g. "0,5,300"), got "${value}"`,
    );
  }
  return schedule;
}

/** An http(s) origin with an optional path prefix, without the trailing slash. */
export function parsePublicUrl(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (
    !url ||
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.username !== '' ||
    url.password !== '' ||
    url.search !== '' ||
    url.hash !== ''
  ) {
    throw new Error(
      `FLINT_PUBLIC_URL must be an http or https URL without credentials, query or fragment (e.g. "https://pay.example.com"), got "${value}"`,
    );
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.FLINT_DATA_DIR || './.flint',
    host: env.HOST || '0.0.0.0',
    port: integer('PORT', env.PORT, 4242, 0, 65535), // 0: any free port
    adminToken: env.FLINT_ADMIN_TOKEN || undefined,
    publicUrl: parsePublicUrl(env.FLINT_PUBLIC_URL),
    logLevel: env.FLINT_LOG_LEVEL || 'info',
    rateLimitPerSecond: integer('FLINT_RATE_LIMIT', env.FLINT_RATE_LIMIT, 500),
    pageRateLimits: {
      pages: integer('FLINT_PAGE_RATE_LIMIT', env.FLINT_PAGE_RATE_LIMIT, 120),
      payments: integer('FLINT_PAYMENT_ATTEMPT_LIMIT', env.FLINT_PAYMENT_ATTEMPT_LIMIT, 30),
    },
    dbPoolSize: integer('FLINT_DB_POOL_SIZE', env.FLINT_DB_POOL_SIZE, 10),
    dbPreparedStatements: flag(
      'FLINT_DB_PREPARED_STATEMENTS',
      env.FLINT_DB_PREPARED_STATEMENTS,
      true,
    ),
    settlementIntervalMs: integer(
      'FLINT_SETTLEMENT_INTERVAL_MS',
      env.FLINT_SETTLEMENT_INTERVAL_MS,
      30_000,
    ),
    encryptionKey: env.FLINT_ENCRYPTION_KEY
      ? parseEncryptionKey(env.FLINT_ENCRYPTION_KEY)
      : undefined,
    serveWorkers: flag('FLINT_SERVE_WORKERS', env.FLINT_SERVE_WORKERS, true),
    webhookRetryScheduleMs: retrySchedule(env.FLINT_WEBHOOK_RETRY_SCHEDULE),
    webhookTimeoutMs: integer('FLINT_WEBHOOK_TIMEOUT_MS', env.FLINT_WEBHOOK_TIMEOUT_MS, 15_000),
    webhookPollIntervalMs: integer(
      'FLINT_WEBHOOK_POLL_INTERVAL_MS',
      env.FLINT_WEBHOOK_POLL_INTERVAL_MS,
      1000,
    ),
    webhookConcurrency: integer(
      'FLINT_WEBHOOK_CONCURRENCY',
      env.FLINT_WEBHOOK_CONCURRENCY,
      16,
      1,
      1000,
    ),
    webhookDisableAfterMs:
      integer(
        'FLINT_WEBHOOK_DISABLE_AFTER_HOURS',
        env.FLINT_WEBHOOK_DISABLE_AFTER_HOURS,
        72,
        1,
        24 * 365,
      ) *
      60 *
      60 *
      1000,
    trustProxy: trustProxy(env.FLINT_TRUST_PROXY),
    heartbeatIntervalMs: integer(
      'FLINT_HEARTBEAT_INTERVAL_MS',
      env.FLINT_HEARTBEAT_INTERVAL_MS,
      3000,
      50,
      60_000,
    ),
    sandboxLatencyMs: integer(
      'FLINT_SANDBOX_LATENCY_MS',
      env.FLINT_SANDBOX_LATENCY_MS,
      0,
      0,
      600_000,
    ),
    smtp: parseSmtp(env.FLINT_SMTP_URL || undefined, env.FLINT_MAIL_FROM || undefined),
  };
}
