/** Where time comes from, so tests (and later test clocks) control it. */
export interface Clock {
  now(): Date;
  /**
   * A test clock's id: the due jobs scheduled by its time carry it (`clock_id`) and run only
   * when a runner is told to run that clock up to a time, never by real workers.
   */
  readonly id?: string;
}

export const systemClock: Clock = { now: () => new Date() };
