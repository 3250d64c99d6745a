import { type DueJobRunner, runDueJobs } from '../app/jobs/run-due-jobs.js';
import type { Deps } from '../app/shared/deps.js';
import { type PeriodicOptions, startCounting, type Worker } from './periodic.js';

/**
 * Every `intervalMs`: runs the jobs due by the database's clock (`runDueJobs`), claimed
 * with `FOR UPDATE SKIP LOCKED` under a lease, until none is left. Any number of workers
 * may run it on one database; a job whose worker died is claimed again once its lease
 * runs out or its instance is gone.
 */
export function startDueJobsWorker(
  deps: Deps,
  runner: DueJobRunner,
  options: PeriodicOptions,
): Worker {
  let stopped = false;
  const running = { ...runner, logger: runner.logger ?? options.logger, stopping: () => stopped };
  const worker = startCounting('due jobs', 'due jobs run', options, async () => ({
    ...(await runDueJobs(deps, running)),
  }));
  return {
    async stop() {
      stopped = true; // a long run ends after its job under way
      await worker.stop();
    },
  };
}
