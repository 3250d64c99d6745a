import { fail, ok, type Result } from '../errors.js';

// When an invoice's mails go out: the account's reminder schedule, read in the account's
// time zone. Pure: the caller brings the due date, the time zone and the schedule.

/** The steps an account mails a reminder at: days before the due date, on it, days after. */
export interface ReminderSchedule {
  readonly days_before_due: readonly number[];
  readonly on_due_date: boolean;
  readonly days_after_due: readonly number[];
}

/** No reminders: an account asks for them. */
export const NO_REMINDERS: ReminderSchedule = {
  days_before_due: [],
  on_due_date: false,
  days_after_due: [],
};

/** The most days a step may be from the due date, and the most steps on each side. */
export const MAX_REMINDER_DAYS = 365;
export const MAX_REMINDER_STEPS = 5;

/** The local time of day (in the account's time zone) a reminder goes out. */
export const REMINDER_HOUR = 9;

/** Whether the runtime knows the IANA time zone (`Europe/Paris`, `UTC`). */
export function isTimeZone(name: string): boolean {
  if (name.length === 0 || name.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The canonical spelling of a known time zone (`europe/paris` → `Europe/Paris`), or a 422. */
export function checkTimeZone(name: string): Result<string> {
  if (!isTimeZone(name)) {
    return fail({
      code: 'parameter_invalid',
      message: `Unknown time zone "${name.slice(0, 64)}": give an IANA name such as Europe/Paris`,
      loc: ['invoice_settings', 'time_zone'],
    });
  }
  return ok(new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone);
}

/** A calendar day, as `{ year, month (1-12), day }`. */
export interface CalendarDay {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const partsFormats = new Map<string, Intl.DateTimeFormat>();

function localParts(instant: Date, timeZone: string) {
  let format = partsFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    partsFormats.set(timeZone, format);
  }
  const parts: Record<string, number> = {};
  for (const p of format.formatToParts(instant)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return parts as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number>;
}

/** The day an instant falls on in a time zone. */
export function localDay(instant: Date, timeZone: string): CalendarDay {
  const { year, month, day } = localParts(instant, timeZone);
  return { year, month, day };
}

/** How far the zone's wall clock is ahead of UTC at an instant, in ms. */
function offsetAt(instant: Date, timeZone: string): number {
  const p = localParts(instant, timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * The instant a day's wall-clock hour happens in a time zone, `days` after `day`. A time
 * the zone skips (a DST gap) comes out the hour after, as clocks read then.
 */
export function localTime(
  day: CalendarDay,
  { hour, days = 0, timeZone }: { hour: number; days?: number; timeZone: string },
): Date {
  const wall = Date.UTC(day.year, day.month - 1, day.day + days, hour);
  let guess = wall - offsetAt(new Date(wall), timeZone);
  // A second pass settles an offset that changed between the guess and the answer (DST).
  guess = wall - offsetAt(new Date(guess), timeZone);
  return new Date(guess);
}

/** A reminder step: its name (unique per invoice: the job's and the mail's key) and when. */
export interface ReminderStep {
  readonly step: string;
  /** Days from the due day: negative before, 0 on it, positive after. */
  readonly offsetDays: number;
  readonly runAt: Date;
}

/** A step's name: `before_due_3`, `on_due_date`, `after_due_7`. */
export function reminderStepName(offsetDays: number): string {
  if (offsetDays === 0) return 'on_due_date';
  return offsetDays < 0 ? `before_due_${-offsetDays}` : `after_due_${offsetDays}`;
}

/**
 * The reminders of an invoice due at `dueDate`, at `REMINDER_HOUR` local time of the day
 * each step names (counted in calendar days of the account's zone, from the day the due
 * date falls on there), in time order; steps whose time is not after `now` are left out
 * (a reminder that a date is near, sent after it, says nothing true).
 */
export function reminderSteps(
  dueDate: Date,
  { schedule, timeZone, now }: { schedule: ReminderSchedule; timeZone: string; now: Date },
): ReminderStep[] {
  const dueDay = localDay(dueDate, timeZone);
  const offsets = new Set([
    ...schedule.days_before_due.map((d) => -d),
    ...(schedule.on_due_date ? [0] : []),
    ...schedule.days_after_due,
  ]);
  return [...offsets]
    .sort((a, b) => a - b)
    .map((offsetDays) => ({
      step: reminderStepName(offsetDays),
      offsetDays,
      runAt: localTime(dueDay, { hour: REMINDER_HOUR, days: offsetDays, timeZone }),
    }))
    .filter((s) => s.runAt.getTime() > now.getTime());
}

/**
 * When an unpaid invoice becomes overdue: the end of its due day in the account's time
 * zone (midnight starting the next day there).
 */
export function overdueAt(dueDate: Date, timeZone: string): Date {
  return localTime(localDay(dueDate, timeZone), { hour: 0, days: 1, timeZone });
}
