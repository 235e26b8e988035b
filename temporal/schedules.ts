/** Schedules are cluster data the product owns: create one unless it exists (idempotent start-up step). */
import { ScheduleAlreadyRunning, type Client, type ScheduleOptions } from '@temporalio/client';

/** True when it was created now, false when a schedule with that id was already there. */
export async function createScheduleIfMissing(client: Client, options: ScheduleOptions): Promise<boolean> {
  try {
    await client.schedule.create(options);
    return true;
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return false;
    throw err;
  }
}
