/**
 * Reminders and the timeout of one approval step, restarted whenever the step is entered.
 * Pure bookkeeping on workflow time: the workflow asks for the next due moment, sleeps until
 * then (or until someone acts), and asks what is due.
 */
import { parseDuration } from '../dsl/durations';
import type { StepTime } from '../dsl/template';

export class StepTimers {
  private remindAt: number | null = null;
  private remindEvery: number | null = null;
  private remindsLeft: number;
  private timeoutAt: number | null = null;
  remindersSent = 0;

  constructor(time: StepTime | undefined, enteredAt: number) {
    // Published templates have valid durations (checked at publish).
    if (time?.remindAfter) this.remindAt = enteredAt + parseDuration(time.remindAfter);
    if (time?.remindEvery) this.remindEvery = parseDuration(time.remindEvery);
    this.remindsLeft = time?.remindMaxTimes ?? (time?.remindEvery ? 3 : 1);
    if (time?.timeoutAfter) this.timeoutAt = enteredAt + parseDuration(time.timeoutAfter);
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
