/**
 * Working-day durations (`P2WD`, `2wd`: "two working days") for approval step reminders and
 * timeouts, counted on the tenant's working calendar (its working weekdays, holidays and time
 * zone, from the tenant parameters). Pure: the calendar reaches the workflow in its input (a
 * snapshot taken at submit, so a run's deadlines never depend on what is read later), and the
 * same function serves the workflow's timers, the validator and the tests.
 *
 * The rule: the deadline is the entry's local time of day on the n-th working day after the
 * entry's local date. Entered Friday 15:00, `P2WD` ends Tuesday 15:00 (Saturday and Sunday do
 * not count); entered Saturday 10:00, it ends Tuesday 10:00. A holiday counts like a weekend day.
 */

export interface WorkingCalendar {
  /** IANA time zone in which dates and weekdays are read (the tenant's). */
  timeZone: string;
  /** ISO weekdays that are working days: 1 = Monday … 7 = Sunday. */
  workingDays: number[];
  /** Local dates (`YYYY-MM-DD`) that are not working days. */
  holidays: string[];
}

/** Monday to Friday, no holidays, UTC: what a run without a calendar in its input counts with. */
export const STANDARD_CALENDAR: WorkingCalendar = { timeZone: 'UTC', workingDays: [1, 2, 3, 4, 5], holidays: [] };

/** At most this many working days (about a year of five-day weeks). */
export const MAX_WORKING_DAYS = 260;

const WORKING_DAYS = /^(?:P(\d+)WD|(\d+)\s*wd)$/i;

/**
 * The number of working days a duration names (`P2WD`, `2wd`, `2 WD`), or null when the text is
 * not a working-day duration (it may still be an ordinary one: see parseDuration). Whole days only.
 */
export function workingDaysOf(input: string): number | null {
  const m = WORKING_DAYS.exec(typeof input === 'string' ? input.trim() : '');
  if (!m) return null;
  return Number(m[1] ?? m[2]);
}

/** Whether a text is a working-day duration with an acceptable count; the reason when it is not. */
export function workingDaysProblem(input: string): string | null {
  const n = workingDaysOf(input);
  if (n === null) return 'not a working-day duration';
  if (n < 1) return 'must be at least one working day';
  if (n > MAX_WORKING_DAYS) return `must be at most ${MAX_WORKING_DAYS} working days`;
  return null;
}

interface LocalParts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

// One formatter per zone; building them is the expensive part.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function localParts(epochMs: number, timeZone: string): LocalParts {
  const parts: Record<string, number> = {};
  for (const p of formatterOf(timeZone).formatToParts(new Date(epochMs))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour % 24, minute: parts.minute, second: parts.second, ms: ((epochMs % 1000) + 1000) % 1000 };
}

/** The zone's offset from UTC at an instant, in ms (local = utc + offset). */
function offsetAt(epochMs: number, timeZone: string): number {
  const p = localParts(epochMs, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second, p.ms) - epochMs;
}

/** The instant a local wall time names in a zone (in a DST gap: shifted forward by the gap). */
function instantOf(p: LocalParts, timeZone: string): number {
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second, p.ms);
  const first = wall - offsetAt(wall, timeZone);
  return wall - offsetAt(first, timeZone);
}

const isoDate = (utcMidnight: number) => new Date(utcMidnight).toISOString().slice(0, 10);
/** ISO weekday (1 = Monday) of a UTC-midnight instant that stands for a local date. */
const isoWeekday = (utcMidnight: number) => ((new Date(utcMidnight).getUTCDay() + 6) % 7) + 1;

/** Whether a local date (`YYYY-MM-DD`) is a working day of the calendar. */
export function isWorkingDay(date: string, calendar: WorkingCalendar): boolean {
  const midnight = Date.parse(`${date}T00:00:00Z`);
  return calendar.workingDays.includes(isoWeekday(midnight)) && !calendar.holidays.includes(date);
}

/**
 * The instant `days` working days after `from` (see the rule at the top). Throws when the
 * calendar has no working day within two years (no working weekdays at all).
 */
export function addWorkingDays(from: number, days: number, calendar: WorkingCalendar): number {
  const start = localParts(from, calendar.timeZone);
  const holidays = new Set(calendar.holidays);
  const weekdays = new Set(calendar.workingDays);
  let midnight = Date.UTC(start.year, start.month - 1, start.day);
  let counted = 0;
  for (let step = 0; counted < days; step++) {
    if (step > 2 * 366) throw new Error('the working calendar has no working days');
    midnight += 86_400_000;
    if (weekdays.has(isoWeekday(midnight)) && !holidays.has(isoDate(midnight))) counted++;
  }
  const d = new Date(midnight);
  return instantOf({ ...start, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }, calendar.timeZone);
}
