import type { Logger } from 'pino';

export interface Worker {
  stop(): Promise<void>;
}

/**
 * Runs `run` every `intervalMs` (after the previous run ends) until stopped; a failed run
 * is logged and tried again next time. `stop` waits for a run under way.
 */
export function startPeriodic(
  name: string,
  intervalMs: number,
  run: () => Promise<void>,
  logger?: Logger | undefined,
): Worker {
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
