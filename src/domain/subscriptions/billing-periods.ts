import type { BillingInterval } from './subscription-values.js';

/**
 * Billing periods, in UTC. Period n starts at the anchor moved by n intervals, always
 * counted from the anchor (never from the previous period's end), so the anchor's day is
 * kept: a month from Jan 31 is Feb 28 (29 in a leap year), the next Mar 31. A month or
 * year is a calendar step with the day clamped to the month's last; a day or week is a
 * fixed number of milliseconds (UTC has no daylight saving).
 */
export interface BillingCycle {
  readonly anchor: Date;
  readonly interval: BillingInterval;
  readonly intervalCount: number;
}

export interface BillingPeriod {
  readonly start: Date;
  readonly end: Date;
}

const DAY_MS = 86_400_000;

function daysInMonth(year: number, monthIndex: number): number {
  return new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();
}

/** The anchor moved by `steps` whole intervals (any integer, negative too). */
export function boundary(cycle: BillingCycle, steps: number): Date {
  const { anchor, interval, intervalCount } = cycle;
  const n = steps * intervalCount;
  if (interval === 'day' || interval === 'week') {
    return new Date(anchor.getTime() + n * (interval === 'week' ? 7 : 1) * DAY_MS);
  }
  const months = interval === 'year' ? n * 12 : n;
  const total = anchor.getUTCFullYear() * 12 + anchor.getUTCMonth() + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12;
  const day = Math.min(anchor.getUTCDate(), daysInMonth(year, month));
  return new Date(
    Date.UTC(
      year,
      month,
      day,
      anchor.getUTCHours(),
      anchor.getUTCMinutes(),
      anchor.getUTCSeconds(),
      anchor.getUTCMilliseconds(),
    ),
  );
}

/** A rough length of one interval in ms, to start the search for a period near an instant. */
function approximateMs(cycle: BillingCycle): number {
  const perUnit = {
    day: DAY_MS,
    week: 7 * DAY_MS,
    month: 30.436875 * DAY_MS,
    year: 365.2425 * DAY_MS,
  };
  return perUnit[cycle.interval] * cycle.intervalCount;
}

/** The index of the period that holds `at`: boundary(n) ≤ at < boundary(n + 1). */
export function periodIndexAt(cycle: BillingCycle, at: Date): number {
  let n = Math.floor((at.getTime() - cycle.anchor.getTime()) / approximateMs(cycle));
  while (boundary(cycle, n).getTime() > at.getTime()) n -= 1;
  while (boundary(cycle, n + 1).getTime() <= at.getTime()) n += 1;
  return n;
}

/** The period that holds `at`. */
export function periodAt(cycle: BillingCycle, at: Date): BillingPeriod {
  const n = periodIndexAt(cycle, at);
  return { start: boundary(cycle, n), end: boundary(cycle, n + 1) };
}

/** The period that starts when `period` ends. */
export function nextPeriod(cycle: BillingCycle, period: BillingPeriod): BillingPeriod {
  return periodAt(cycle, period.end);
}

/** The trial's end `days` days after `start` (a day is 24 hours in UTC). */
export function trialEndAfter(start: Date, days: number): Date {
  return new Date(start.getTime() + days * DAY_MS);
}
