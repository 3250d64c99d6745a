import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  afterFailure,
  canMoveDueJob,
  DUE_JOB_STATUSES,
  dueJobStatusesBefore,
  isFinalDueJobStatus,
} from './due-jobs.js';

describe('due job transitions', () => {
  it('claims scheduled jobs and expired running ones, and nothing that has finished', () => {
    expect(dueJobStatusesBefore('running')).toEqual(['scheduled', 'running']);
    expect(dueJobStatusesBefore('canceled')).toEqual(['scheduled', 'running']);
    expect(dueJobStatusesBefore('succeeded')).toEqual(['running']);
    expect(dueJobStatusesBefore('failed')).toEqual(['running']);
    expect(dueJobStatusesBefore('scheduled')).toEqual(['running']);
  });

  it('never moves a finished job', () => {
    for (const end of ['succeeded', 'failed', 'canceled'] as const) {
      expect(isFinalDueJobStatus(end)).toBe(true);
      for (const to of DUE_JOB_STATUSES) expect(canMoveDueJob(end, to)).toBe(false);
    }
    expect(isFinalDueJobStatus('scheduled')).toBe(false);
    expect(isFinalDueJobStatus('running')).toBe(false);
  });

  it('never succeeds a job that was not claimed', () => {
    expect(canMoveDueJob('scheduled', 'succeeded')).toBe(false);
    expect(canMoveDueJob('scheduled', 'failed')).toBe(false);
  });
});

describe('retry backoff', () => {
  const backoff = { baseMs: 1000, maxMs: 60_000 };

  it('doubles from the base, without jitter at random 0.5', () => {
    expect(afterFailure(1, 5, backoff, 0.5)).toEqual({ status: 'scheduled', delayMs: 1000 });
    expect(afterFailure(2, 5, backoff, 0.5)).toEqual({ status: 'scheduled', delayMs: 2000 });
    expect(afterFailure(4, 5, backoff, 0.5)).toEqual({ status: 'scheduled', delayMs: 8000 });
  });

  it('fails the job once its attempts are spent', () => {
    expect(afterFailure(5, 5, backoff, 0.5)).toEqual({ status: 'failed' });
    expect(afterFailure(7, 5, backoff, 0.5)).toEqual({ status: 'failed' });
    expect(afterFailure(1, 1, backoff, 0.5)).toEqual({ status: 'failed' });
  });

  it('stays within ±10 % of the capped exponential delay, never negative', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempts, random) => {
          const next = afterFailure(attempts, 1000, backoff, random);
          if (next.status !== 'scheduled') return false;
          const base = Math.min(1000 * 2 ** Math.min(attempts - 1, 30), 60_000);
          return next.delayMs >= Math.floor(base * 0.9) && next.delayMs <= Math.ceil(base * 1.1);
        },
      ),
    );
  });

  it('retries at once with a zero base', () => {
    expect(afterFailure(2, 3, { baseMs: 0, maxMs: 0 }, 0.9)).toEqual({
      status: 'scheduled',
      delayMs: 0,
    });
  });
});
