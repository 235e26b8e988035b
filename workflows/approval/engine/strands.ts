/**
 * Quiescence: an action is answered once the flow has reacted to it (the next step assigned,
 * the request finished…). The flow runs as strands (the main one, one per running parallel
 * branch); it has reacted when every strand waits again, having seen the latest action.
 */
import { condition } from '@temporalio/workflow';

export class Strands {
  private count = 1;
  private kicks = 0;
  private readonly waiters = new Map<number, { seen: number; ready: () => boolean }>();
  private nextWaiter = 0;

  /**
   * `readyStrandsAreBusy`: the SDK evaluates every blocked condition in one pass before any
   * woken strand runs, so a strand whose wait is already satisfied still sits in `waiters` when
   * an action asks "idle?". Such a strand is about to move: it must not count as waiting. Runs
   * started before this rule answered their actions without it; they keep doing so on replay.
   */
  constructor(private readonly readyStrandsAreBusy: boolean) {}

  /**
   * Wait until `ready()` holds or `deadline` (epoch ms) passes; false on the deadline. While
   * waiting, this strand counts as idle, and any action (a kick) makes it re-check.
   */
  async waitFor(ready: () => boolean, deadline?: number): Promise<boolean> {
    for (;;) {
      if (ready()) return true;
      const id = this.nextWaiter++;
      this.waiters.set(id, { seen: this.kicks, ready });
      const seen = this.kicks;
      const timeout = deadline === undefined ? undefined : Math.max(deadline - Date.now(), 1);
      let woke: boolean;
      try {
        woke = timeout === undefined ? (await condition(() => ready() || this.kicks !== seen), true) : await condition(() => ready() || this.kicks !== seen, timeout);
      } finally {
        this.waiters.delete(id);
      }
      if (!woke) return ready();
    }
  }

  /** An action changed the state: every waiting strand looks again. */
  kick(): void {
    this.kicks++;
  }

  /**
   * Parallel branches: the strand count follows them, so "idle" means every branch still
   * running is waiting. The parent strand hands over to `n` branches…
   */
  fork(n: number): void {
    this.count += n - 1;
  }

  /** …each finished branch stops counting… */
  branchDone(): void {
    this.count--;
  }

  /** …and the parent carries on once all have finished. */
  join(): void {
    this.count++;
  }

  /** The main flow is over: nothing more will wait. */
  done(): void {
    this.count = 0;
  }

  /** Every strand waits, having seen the latest action. */
  allWaiting(): boolean {
    if (this.waiters.size < this.count) return false;
    for (const w of this.waiters.values()) {
      if (w.seen !== this.kicks) return false;
      if (this.readyStrandsAreBusy && w.ready()) return false;
    }
    return true;
  }
}
