import type { Logger } from 'pino';

export interface Worker {
  stop(): Promise<void>;
}

/** How often a periodic job runs, and where its failures and counts are logged. */
export interface PeriodicOptions {
  readonly intervalMs: number;
  readonly logger?: Logger | undefined;
}

/**
 * Runs `run` every `intervalMs` (after the previous run ends) until stopped; a failed run
 * is logged and tried again next time. `stop` waits for a run under way.
 */
export function startPeriodic(
  name: string,
  options: PeriodicOptions,
  run: () => Promise<void>,
): Worker {
  const { intervalMs, logger } = options;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    running = run()
      .catch((err: unknown) => logger?.error({ err }, `${name} failed`))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs).unref();
      });
  };
  timer = setTimeout(tick, intervalMs).unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/**
 * A periodic job that answers what it did (`{ expired: 3 }`): logged as `done` when any
 * count is above zero, nothing otherwise.
 */
export function startCounting(
  name: string,
  done: string,
  options: PeriodicOptions,
  run: () => Promise<Record<string, number>>,
): Worker {
  return startPeriodic(name, options, async () => {
    const counts = await run();
    if (Object.values(counts).some((count) => count > 0)) options.logger?.info(counts, done);
  });
}

/** `startCounting` as a worker of `deps`: `(deps, options) => Worker`. */
export function countingJob<D>(
  name: string,
  done: string,
  run: (deps: D) => Promise<Record<string, number>>,
) {
  return (deps: D, options: PeriodicOptions): Worker =>
    startCounting(name, done, options, () => run(deps));
}
