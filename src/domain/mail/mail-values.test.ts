import { describe, expect, it } from 'vitest';
import { initialEmailStatus, nextMailAttemptDelay } from './mail-values.js';

describe('mail values', () => {
  it('keeps test-mode mail and queues live-mode mail', () => {
    expect(initialEmailStatus('test')).toBe('kept');
    expect(initialEmailStatus('live')).toBe('queued');
  });

  it('retries on the schedule until it ends; a permanent refusal never', () => {
    const schedule = [0, 10, 20];
    expect(nextMailAttemptDelay(schedule, 1, false)).toBe(10);
    expect(nextMailAttemptDelay(schedule, 2, false)).toBe(20);
    expect(nextMailAttemptDelay(schedule, 3, false)).toBeNull();
    expect(nextMailAttemptDelay(schedule, 1, true)).toBeNull();
  });
});
