/** The tenant's daily digest schedule as admins see it (the Temporal Schedule `digest:<tenant>`). */
import { z } from 'zod';

export const DigestScheduleView = z
  .object({
    scheduleId: z.string().meta({ description: 'The Temporal Schedule id, as the Temporal UI shows it' }),
    at: z.string().meta({ description: 'Local time of day (HH:MM) in `timeZone`' }),
    timeZone: z.string(),
    paused: z.boolean(),
    note: z.string().nullable(),
    nextRuns: z.array(z.string()).meta({ description: 'The next few run times (ISO instants)' }),
    recentRuns: z.array(z.object({ scheduledAt: z.string(), startedAt: z.string(), workflowId: z.string() })).meta({ description: 'Latest runs first' }),
  });
export type DigestScheduleView = z.infer<typeof DigestScheduleView>;

export const ScheduleNoteInput = z.strictObject({ note: z.string().trim().max(200).optional() });
