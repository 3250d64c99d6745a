/** Where time comes from, so tests (and later test clocks) control it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
