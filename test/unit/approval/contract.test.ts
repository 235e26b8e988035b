/** The contract's lists: one source for statuses and user actions, consistent with each other. */
import {
  DONE_TASK_STATUSES,
  FINISHED_STATUSES,
  INSTANCE_STATUSES,
  isFinished,
  REJECTIONS,
  TASK_STATUSES,
  USER_ACTIONS,
} from '../../../workflows/approval/contract';

describe('approval contract', () => {
  it('names each user action after its Update (approval.<action>), once', () => {
    const names = Object.entries(USER_ACTIONS).map(([kind, update]) => [kind, update.name]);
    expect(names).toEqual(Object.keys(USER_ACTIONS).map((kind) => [kind, `approval.${kind}`]));
  });

  it('finished and done statuses are subsets of the status lists', () => {
    expect(FINISHED_STATUSES.every((s) => (INSTANCE_STATUSES as readonly string[]).includes(s))).toBe(true);
    expect(DONE_TASK_STATUSES.every((s) => (TASK_STATUSES as readonly string[]).includes(s))).toBe(true);
    expect(INSTANCE_STATUSES.filter((s) => !isFinished(s))).toEqual(['running', 'returned', 'stalled']);
  });

  it('every refusal code is a conflict (409) or unprocessable (422)', () => {
    expect(new Set(Object.values(REJECTIONS))).toEqual(new Set(['conflict', 'unprocessable']));
  });
});
