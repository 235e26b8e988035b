/** Reminders and the timeout of an approval step (engine/timers.ts): pure bookkeeping on time. */
import { StepTimers } from '../../../workflows/approval/engine/timers';

const H = 3_600_000;
const T0 = Date.parse('2025-03-03T09:00:00Z');

describe('StepTimers', () => {
  it('has nothing due when the step has no time rules', () => {
    const t = new StepTimers(undefined, T0);
    expect(t.next()).toBeUndefined();
    expect(t.due(T0 + 1000 * H)).toBeNull();
  });

  it('reminds after remindAfter, then every remindEvery, up to remindMaxTimes', () => {
    const t = new StepTimers({ remindAfter: '24h', remindEvery: '12h', remindMaxTimes: 2 }, T0);
    expect(t.next()).toBe(T0 + 24 * H);
    expect(t.due(T0 + 23 * H)).toBeNull();
    expect(t.due(T0 + 24 * H)).toBe('remind');
    expect(t.remindersSent).toBe(1);
    expect(t.next()).toBe(T0 + 36 * H);
    expect(t.due(T0 + 36 * H)).toBe('remind');
    expect(t.next()).toBeUndefined();
    expect(t.remindersSent).toBe(2);
  });

  it('reminds three times by default when it repeats, once when it does not', () => {
    const repeating = new StepTimers({ remindAfter: '1h', remindEvery: '1h' }, T0);
    let now = T0;
    let sent = 0;
    while (repeating.next() !== undefined) {
      now = repeating.next()!;
      if (repeating.due(now) === 'remind') sent++;
    }
    expect(sent).toBe(3);
    const once = new StepTimers({ remindAfter: '1h' }, T0);
    expect(once.due(T0 + H)).toBe('remind');
    expect(once.next()).toBeUndefined();
  });

  it('the timeout wins over a reminder due at the same moment, and comes once', () => {
    const t = new StepTimers({ remindAfter: 'PT2H', timeoutAfter: 'PT2H' }, T0);
    expect(t.next()).toBe(T0 + 2 * H);
    expect(t.due(T0 + 2 * H)).toBe('timeout');
    expect(t.due(T0 + 2 * H)).toBe('remind');
    expect(t.due(T0 + 3 * H)).toBeNull();
  });
});
