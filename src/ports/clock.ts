/** Where time comes from, so tests (and later test clocks) control it. */
export interface Clock {
  now(): Date;
  /**
   * A test clock's id: the due jobs scheduled by its time carry it (`clock_id`) and run only
   * when a runner is told to run that clock up to a time, never by real workers.
   */
  readonly id?: string;
  /**
   * True when this is already the time of the objects a command acts on (a job's clock, or
   * one looked up from an order's customer): nobody looks a customer's test clock up again.
   */
  readonly resolved?: boolean;
}

export const systemClock: Clock = { now: () => new Date() };
