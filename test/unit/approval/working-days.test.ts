/**
 * Working-day durations (`P2WD`): the pure calendar arithmetic the approval workflow's step timers
 * use, over weekends, holidays, time zones and DST; the step timers with a calendar; and
 * publish-time validation accepting the form where it applies (reminders and timeouts) only.
 */
import { addWorkingDays, isWorkingDay, STANDARD_CALENDAR, workingDaysOf, workingDaysProblem, type WorkingCalendar } from '../../../workflows/approval/dsl/calendar';
import { parseDuration, tryParseDuration } from '../../../workflows/approval/dsl/durations';
import { durationEnd, StepTimers, usesWorkingDays } from '../../../workflows/approval/engine/timers';

const utc = (iso: string) => Date.parse(iso);
const at = (ms: number) => new Date(ms).toISOString();
const weekdays: WorkingCalendar = { timeZone: 'UTC', workingDays: [1, 2, 3, 4, 5], holidays: [] };

describe('working-day durations', () => {
  it('reads P2WD and 2wd, and nothing else, as working days', () => {
    expect(workingDaysOf('P2WD')).toBe(2);
    expect(workingDaysOf('p3wd')).toBe(3);
    expect(workingDaysOf('2wd')).toBe(2);
    expect(workingDaysOf(' 5 WD ')).toBe(5);
    for (const other of ['P2D', '2d', 'PT48H', 'P2W', 'P1.5WD', 'P2WDT1H', 'wd', 'P-1WD']) expect(workingDaysOf(other)).toBeNull();
    expect(workingDaysProblem('P0WD')).toMatch(/at least one/);
    expect(workingDaysProblem('P261WD')).toMatch(/at most 260/);
    expect(workingDaysProblem('P2WD')).toBeNull();
    // The clock parser does not take them for something else.
    expect(tryParseDuration('P2WD')).toBeNull();
    expect(tryParseDuration('2wd')).toBeNull();
  });

  it('skips the weekend: Friday 15:00 + 2 working days is Tuesday 15:00; Saturday 10:00 + 2 is Tuesday 10:00', () => {
    // 2026-12-04 is a Friday.
    expect(at(addWorkingDays(utc('2026-12-04T15:00:00.000Z'), 2, weekdays))).toBe('2026-12-08T15:00:00.000Z');
    expect(at(addWorkingDays(utc('2026-12-05T10:00:00.000Z'), 2, weekdays))).toBe('2026-12-08T10:00:00.000Z');
    expect(at(addWorkingDays(utc('2026-12-07T09:30:00.250Z'), 1, weekdays))).toBe('2026-12-08T09:30:00.250Z');
    expect(at(addWorkingDays(utc('2026-12-04T15:00:00.000Z'), 5, weekdays))).toBe('2026-12-11T15:00:00.000Z');
  });

  it('skips holidays like weekend days', () => {
    const christmas: WorkingCalendar = { ...weekdays, holidays: ['2026-12-24', '2026-12-25'] };
    // Wednesday 23rd + 2: the 24th and 25th are holidays, the 26th/27th a weekend → Monday 28th, Tuesday 29th.
    expect(at(addWorkingDays(utc('2026-12-23T11:00:00.000Z'), 2, christmas))).toBe('2026-12-29T11:00:00.000Z');
    expect(isWorkingDay('2026-12-24', christmas)).toBe(false);
    expect(isWorkingDay('2026-12-28', christmas)).toBe(true);
    expect(isWorkingDay('2026-12-26', christmas)).toBe(false);
  });

  it('reads weekdays and holidays in the calendar time zone, keeping the local time of day', () => {
    const shanghai: WorkingCalendar = { timeZone: 'Asia/Shanghai', workingDays: [1, 2, 3, 4, 5], holidays: ['2026-12-07'] };
    // Friday 2026-12-04 20:00 UTC is already Saturday 04:00 in Shanghai: + 1 working day skips
    // Sunday and the Monday holiday → Tuesday 04:00 local = Monday 20:00 UTC.
    expect(at(addWorkingDays(utc('2026-12-04T20:00:00.000Z'), 1, shanghai))).toBe('2026-12-07T20:00:00.000Z');
    // In UTC the same instant is a Friday: + 1 is Monday.
    expect(at(addWorkingDays(utc('2026-12-04T20:00:00.000Z'), 1, weekdays))).toBe('2026-12-07T20:00:00.000Z');
  });

  it('keeps the local time across a DST change', () => {
    const paris: WorkingCalendar = { timeZone: 'Europe/Paris', workingDays: [1, 2, 3, 4, 5], holidays: [] };
    // Friday 2026-03-27 09:00 CET (08:00 UTC); clocks go forward on Sunday 29th: Monday 09:00 CEST is 07:00 UTC.
    expect(at(addWorkingDays(utc('2026-03-27T08:00:00.000Z'), 1, paris))).toBe('2026-03-30T07:00:00.000Z');
  });

  it('honours other working weeks (Sunday to Thursday)', () => {
    const sunThu: WorkingCalendar = { timeZone: 'UTC', workingDays: [7, 1, 2, 3, 4], holidays: [] };
    // Thursday 2026-12-03 + 1 → Sunday 6th (Friday and Saturday off).
    expect(at(addWorkingDays(utc('2026-12-03T12:00:00.000Z'), 1, sunThu))).toBe('2026-12-06T12:00:00.000Z');
  });

  it('refuses a calendar without working days instead of looping', () => {
    expect(() => addWorkingDays(0, 1, { timeZone: 'UTC', workingDays: [], holidays: [] })).toThrow(/no working days/);
  });

  it('step timers count working-day reminders and timeouts on the calendar, clock durations on the clock', () => {
    const friday = utc('2026-12-04T15:00:00.000Z');
    const calendar: WorkingCalendar = { ...weekdays, holidays: ['2026-12-08'] };
    const timers = new StepTimers({ remindAfter: '2h', timeoutAfter: 'P2WD', timeoutAction: { type: 'approve' } }, friday, calendar);
    expect(timers.next()).toBe(friday + 2 * 3_600_000);
    expect(timers.due(friday + 2 * 3_600_000)).toBe('remind');
    // Monday 7th is one, Tuesday 8th a holiday, Wednesday 9th two.
    expect(at(timers.next()!)).toBe('2026-12-09T15:00:00.000Z');
    expect(timers.due(utc('2026-12-09T14:59:59.999Z'))).toBeNull();
    expect(timers.due(utc('2026-12-09T15:00:00.000Z'))).toBe('timeout');
    // Without a calendar (no snapshot in the input): Monday to Friday in UTC.
    expect(at(durationEnd('P2WD', friday, null))).toBe(at(addWorkingDays(friday, 2, STANDARD_CALENDAR)));
    expect(durationEnd('48h', friday, calendar)).toBe(friday + parseDuration('48h'));
    expect(usesWorkingDays({ timeoutAfter: '2wd' })).toBe(true);
    expect(usesWorkingDays({ timeoutAfter: '2d', remindAfter: '1h' })).toBe(false);
    expect(usesWorkingDays(undefined)).toBe(false);
  });
});
