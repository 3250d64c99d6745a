import pino, { type DestinationStream, type Logger } from 'pino';
import {
  type DatabaseHandle,
  migrateToLatest,
  openDatabase,
  pendingMigrations,
} from './adapters/db/database.js';
import { createSmtpTransport } from './adapters/mail/smtp-transport.js';
import { createHttpTransport } from './adapters/webhooks/http-transport.js';
import { systemResolver } from './adapters/webhooks/system-resolver.js';
import { BUILT_IN_JOB_KINDS } from './app/jobs/built-in-job-kinds.js';
import type { Deps } from './app/shared/deps.js';
import {
  forgetEarlierRuns,
  type Instance,
  retireInstance,
  startInstance,
} from './app/shared/instances.js';
import { createSecretBox, type SecretBox } from './app/shared/secret-box.js';
import type { Config } from './config.js';
import { buildApp } from './http/app.js';
import { systemClock } from './ports/clock.js';
import type { Processors } from './ports/payment-processor.js';
import { defaultProcessors } from './processors.js';
import { VERSION } from './version.js';
import { startCheckoutSessionExpiry } from './workers/checkout-session-expiry.js';
import { startDueJobsWorker } from './workers/due-jobs.js';
import { startIdempotencyReaper } from './workers/idempotency-reaper.js';
import { startInstanceHeartbeat } from './workers/instance-heartbeat.js';
import { startMailDeliveryWorker } from './workers/mail-delivery.js';
import type { Worker } from './workers/periodic.js';
import { startSettlementWorker } from './workers/settlement.js';
import { startWebhookDeliveryWorker } from './workers/webhook-delivery.js';

export { VERSION };

export interface RunningWorker {
  readonly database: DatabaseHandle;
  readonly logger: Logger;
  stop(): Promise<void>;
}

export interface RunningServer extends RunningWorker {
  readonly url: string;
  readonly deps: Deps;
}

export function openConfiguredDatabase(config: Config): Promise<DatabaseHandle> {
  return openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.dbPoolSize,
    preparedStatements: config.dbPreparedStatements,
  });
}

/** The host to put in a URL for a listening address (`0.0.0.0` is no address to call). */
export function shownHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? 'localhost' : host;
}

/** Opens the database and applies pending migrations, or refuses an out-of-date schema. */
async function openReadyDatabase(
  config: Config,
  options: { readonly migrate: boolean; readonly database?: DatabaseHandle },
): Promise<DatabaseHandle> {
  const database = options.database ?? (await openConfiguredDatabase(config));
  if (options.migrate) {
    await migrateToLatest(database.db);
  } else {
    const pending = await pendingMigrations(database.db);
    if (pending.length > 0) {
      await database.close();
      throw new Error(`pending migrations (${pending.join(', ')}): run \`flint migrate\` first`);
    }
  }
  return database;
}

/** How often the workers look for due jobs. */
const DUE_JOBS_INTERVAL_MS = 1000;

/**
 * The background workers (idempotency reaper, checkout-session expiry, settlement, webhook
 * delivery, due jobs). Any number of processes may run them on one database: they claim
 * rows with `SKIP LOCKED` or leases kept by the database's clock; `instance` is the
 * process's, which holds the due jobs it runs.
 */
function startWorkers(
  config: Config,
  deps: Deps,
  services: {
    readonly processors: Processors;
    readonly secretBox: SecretBox | null;
    readonly instance: Instance;
  },
  logger: Logger,
): Worker {
  const { processors, secretBox, instance } = services;
  const reaper = startIdempotencyReaper(deps, { intervalMs: 10 * 60 * 1000, logger });
  const dueJobs = startDueJobsWorker(
    deps,
    { kinds: BUILT_IN_JOB_KINDS, owner: instance.id },
    { intervalMs: DUE_JOBS_INTERVAL_MS, logger },
  );
  const sessionExpiry = startCheckoutSessionExpiry(deps, { intervalMs: 60 * 1000, logger });
  const settlement = startSettlementWorker(deps, processors, {
    intervalMs: config.settlementIntervalMs,
    olderThanMs: config.settlementIntervalMs,
    logger,
  });
  const webhookTransport = createHttpTransport({ resolver: systemResolver });
  const webhooks = startWebhookDeliveryWorker(deps, secretBox, webhookTransport, {
    policy: {
      scheduleMs: config.webhookRetryScheduleMs,
      timeoutMs: config.webhookTimeoutMs,
      disableAfterMs: config.webhookDisableAfterMs,
      random: Math.random,
    },
    pollIntervalMs: config.webhookPollIntervalMs,
    concurrency: config.webhookConcurrency,
    logger,
  });
  const mail = startMailWorker(config, deps, logger);
  return {
    async stop() {
      await reaper.stop();
      await sessionExpiry.stop();
      await settlement.stop();
      await webhooks.stop(); // attempts in flight finish and are recorded
      await webhookTransport.close();
      await mail.stop(); // a pass under way finishes and records what the server answered
      await dueJobs.stop(); // a job under way finishes and is recorded
    },
  };
}

/** Live-mode mail goes out through SMTP when it is configured; otherwise it stays queued. */
function startMailWorker(config: Config, deps: Deps, logger: Logger): Worker {
  if (!config.smtp) {
    logger.info('FLINT_SMTP_URL is not set: mail is kept in the console (Mail), none is sent');
    return { stop: async () => {} };
  }
  const timeoutMs = 30_000;
  return startMailDeliveryWorker(
    {
      deps,
      transport: createSmtpTransport({ url: config.smtp.url, timeoutMs }),
      from: config.smtp.from,
      leaseMs: 3 * timeoutMs + 5000,
    },
    { intervalMs: 1000, logger },
  );
}

/**
 * Registers this process as a running instance and keeps it alive; `retire` ends it on a
 * clean shutdown, freeing at once what it held.
 */
async function registerInstance(config: Config, database: DatabaseHandle, logger: Logger) {
  // This process holds the embedded database's lock: any other instance recorded there
  // is an earlier run that was killed, and what it left in flight is free at once.
  if (database.kind === 'pglite') await forgetEarlierRuns(database.db);
  const instance = await startInstance(database.db, config.heartbeatIntervalMs);
  const heartbeat = startInstanceHeartbeat(database.db, instance, {
    intervalMs: config.heartbeatIntervalMs,
    logger,
  });
  const retire = async () => {
    await heartbeat.stop();
    await retireInstance(database.db, instance); // nothing of ours is in flight any more
  };
  return { instance, retire };
}

/** What the server and the worker process share: logger, database, deps, processors. */
async function compose(
  config: Config,
  options: {
    readonly migrate: boolean;
    readonly database?: DatabaseHandle;
    /** Where log lines go (default stdout); `flint dev` shortens them for a terminal. */
    readonly logStream?: DestinationStream;
  },
) {
  const logger = pino({ level: config.logLevel, base: { service: 'flint' } }, options.logStream);
  const database = await openReadyDatabase(config, options);
  const deps: Deps = { db: database.db, clock: systemClock, publicUrl: config.publicUrl };
  const secretBox = config.encryptionKey ? createSecretBox(config.encryptionKey) : null;
  const processors = defaultProcessors(
    database.db,
    secretBox,
    {},
    { latencyMs: config.sandboxLatencyMs },
  );
  return { logger, database, deps, secretBox, processors };
}

/**
 * The composition root: database, HTTP app and background workers, wired with
 * plain arguments. `migrate` applies pending migrations first; without it the
 * server refuses to start on an out-of-date schema.
 */
export async function startServer(
  config: Config,
  options: {
    readonly migrate: boolean;
    readonly database?: DatabaseHandle;
    readonly logStream?: DestinationStream;
  },
): Promise<RunningServer> {
  const { logger, database, deps, secretBox, processors } = await compose(config, options);
  const { instance, retire } = await registerInstance(config, database, logger);
  const app = await buildApp({
    idempotency: { ownerInstanceId: instance.id },
    processors,
    encryptionKey: config.encryptionKey,
    deps,
    adminToken: config.adminToken,
    logger,
    rateLimitPerSecond: config.rateLimitPerSecond,
    pageRateLimits: config.pageRateLimits,
    trustProxy: config.trustProxy,
    defaultMetrics: true,
    version: VERSION,
  });
  const workers = config.serveWorkers
    ? startWorkers(config, deps, { processors, secretBox, instance }, logger)
    : { stop: async () => {} };
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await app.close(); // stops accepting, lets in-flight requests finish
      await app.drained(10_000); // handlers whose client went away are still running
      await workers.stop();
      await retire();
      await database.close();
    })();
    return stopping;
  };
  return { url: `http://${shownHost(config.host)}:${port}`, deps, database, logger, stop };
}

/** `flint worker`: the background workers alone, no HTTP server. */
export async function startWorkerProcess(config: Config): Promise<RunningWorker> {
  const { logger, database, deps, secretBox, processors } = await compose(config, {
    migrate: false,
  });
  const { instance, retire } = await registerInstance(config, database, logger);
  const workers = startWorkers(config, deps, { processors, secretBox, instance }, logger);
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await workers.stop();
      await retire();
      await database.close();
    })();
    return stopping;
  };
  return { database, logger, stop };
}

/** SIGTERM / SIGINT: finish in-flight requests, stop workers, close the database, exit. */
export function stopOnSignals(server: RunningWorker): void {
  const onSignal = (signal: NodeJS.Signals) => {
    server.logger.info({ signal }, 'shutting down');
    server
      .stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        server.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
