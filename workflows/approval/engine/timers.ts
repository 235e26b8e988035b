/**
 * Reminders and the timeout of one approval step, restarted whenever the step is entered.
 * Pure bookkeeping on workflow time: the workflow asks for the next due moment, sleeps until
 * then (or until someone acts), and asks what is due.
 */
import { parseDuration } from '../dsl/durations';
import { addWorkingDays, STANDARD_CALENDAR, workingDaysOf, type WorkingCalendar } from '../dsl/calendar';
import type { StepTime } from '../dsl/template';

/** When a duration counted from `from` ends: working days on the calendar, anything else on the clock. */
export function durationEnd(text: string, from: number, calendar: WorkingCalendar | null): number {
  const days = workingDaysOf(text);
  return days === null ? from + parseDuration(text) : addWorkingDays(from, days, calendar ?? STANDARD_CALENDAR);
}

/** Whether a step's reminder or timeout is counted in working days (the tenant's calendar then matters). */
export const usesWorkingDays = (time: StepTime | undefined): boolean =>
  [time?.remindAfter, time?.timeoutAfter].some((t) => t !== undefined && workingDaysOf(t) !== null);

export class StepTimers {
  private remindAt: number | null = null;
  private remindEvery: number | null = null;
  private remindsLeft: number;
  private timeoutAt: number | null = null;
  remindersSent = 0;

  /** `calendar`: the tenant's working calendar, for `remindAfter`/`timeoutAfter` in working days. */
  constructor(time: StepTime | undefined, enteredAt: number, calendar: WorkingCalendar | null = null) {
    // Published templates have valid durations (checked at publish).
    if (time?.remindAfter) this.remindAt = durationEnd(time.remindAfter, enteredAt, calendar);
    if (time?.remindEvery) this.remindEvery = parseDuration(time.remindEvery);
    this.remindsLeft = time?.remindMaxTimes ?? (time?.remindEvery ? 3 : 1);
    if (time?.timeoutAfter) this.timeoutAt = durationEnd(time.timeoutAfter, enteredAt, calendar);
  }

  /** The next moment something is due, or undefined when nothing ever is. */
  next(): number | undefined {
    const due = [this.remindAt, this.timeoutAt].filter((t): t is number => t !== null);
    return due.length ? Math.min(...due) : undefined;
  }

  /** What is due at `now`: the timeout wins over a reminder (a reminder right before it is pointless). */
  due(now: number): 'timeout' | 'remind' | null {
    if (this.timeoutAt !== null && now >= this.timeoutAt) {
      this.timeoutAt = null;
      return 'timeout';
    }
    if (this.remindAt !== null && now >= this.remindAt) {
      this.remindersSent++;
      this.remindsLeft--;
      this.remindAt = this.remindEvery && this.remindsLeft > 0 ? now + this.remindEvery : null;
      return 'remind';
    }
    return null;
  }
}
