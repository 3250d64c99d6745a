import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkTimeZone,
  localDay,
  localTime,
  overdueAt,
  reminderSteps,
} from './invoice-reminders.js';

const schedule = { days_before_due: [3], on_due_date: true, days_after_due: [1, 7] };

describe('reminder steps', () => {
  it('falls on 09:00 local of the due day and its neighbours, in the account’s zone', () => {
    // 11:30 UTC on 5 Jan is 00:30 on 6 Jan in Auckland (UTC+13) and 03:30 on 5 Jan in LA.
    const due = new Date('2027-01-05T11:30:00Z');
    const now = new Date('2026-12-01T00:00:00Z');
    const auckland = reminderSteps(due, { schedule, timeZone: 'Pacific/Auckland', now });
    expect(auckland.map((s) => [s.step, s.runAt.toISOString()])).toEqual([
      ['before_due_3', '2027-01-02T20:00:00.000Z'],
      ['on_due_date', '2027-01-05T20:00:00.000Z'],
      ['after_due_1', '2027-01-06T20:00:00.000Z'],
      ['after_due_7', '2027-01-12T20:00:00.000Z'],
    ]);
    const la = reminderSteps(due, { schedule, timeZone: 'America/Los_Angeles', now });
    expect(la.map((s) => s.runAt.toISOString())).toEqual([
      '2027-01-02T17:00:00.000Z',
      '2027-01-05T17:00:00.000Z',
      '2027-01-06T17:00:00.000Z',
      '2027-01-12T17:00:00.000Z',
    ]);
    expect(overdueAt(due, 'Pacific/Auckland').toISOString()).toBe('2027-01-06T11:00:00.000Z');
    expect(overdueAt(due, 'America/Los_Angeles').toISOString()).toBe('2027-01-06T08:00:00.000Z');
  });

  it('leaves out the steps whose time has passed, and counts days across a DST change', () => {
    const due = new Date('2027-03-16T12:00:00Z'); // LA moves to PDT on 14 March
    const now = new Date('2027-03-14T12:00:00Z');
    const steps = reminderSteps(due, { schedule, timeZone: 'America/Los_Angeles', now });
    expect(steps.map((s) => s.step)).toEqual(['on_due_date', 'after_due_1', 'after_due_7']);
    expect(steps[0]?.runAt.toISOString()).toBe('2027-03-16T16:00:00.000Z');
    const before = reminderSteps(due, {
      schedule: { ...schedule, days_before_due: [3] },
      timeZone: 'America/Los_Angeles',
      now: new Date('2027-03-01T00:00:00Z'),
    });
    expect(before[0]?.runAt.toISOString()).toBe('2027-03-13T17:00:00.000Z'); // still PST
  });

  it('gives an instant whose local day and hour are the ones asked for, in any zone', () => {
    const zones = [
      'UTC',
      'Pacific/Auckland',
      'America/Los_Angeles',
      'Asia/Kathmandu',
      'Europe/London',
    ];
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2090-01-01'), noInvalidDate: true }),
        fc.constantFrom(...zones),
        fc.integer({ min: -365, max: 365 }),
        (instant, timeZone, days) => {
          const day = localDay(instant, timeZone);
          const at = localTime(day, { hour: 9, days, timeZone });
          const expected = new Date(Date.UTC(day.year, day.month - 1, day.day + days));
          expect(localDay(at, timeZone)).toEqual({
            year: expected.getUTCFullYear(),
            month: expected.getUTCMonth() + 1,
            day: expected.getUTCDate(),
          });
          const hour = new Intl.DateTimeFormat('en-US', {
            timeZone,
            hour: 'numeric',
            hourCycle: 'h23',
          }).format(at);
          expect(Number(hour)).toBe(9);
        },
      ),
    );
  });
});

describe('time zones', () => {
  it('accepts IANA names (canonically spelled) and refuses the rest', () => {
    expect(checkTimeZone('europe/paris')).toEqual({ ok: true, value: 'Europe/Paris' });
    expect(checkTimeZone('UTC').ok).toBe(true);
    for (const bad of ['Mars/Olympus', '', 'x'.repeat(65), '+25:00', 'Europe/Paris\n']) {
      expect(checkTimeZone(bad)).toMatchObject({ ok: false, error: { code: 'parameter_invalid' } });
    }
  });
});
