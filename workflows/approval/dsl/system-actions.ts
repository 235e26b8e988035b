/**
 * What a template may make the system do, by name: the domain activities of `action` steps
 * (kind "activity") and activity hooks, and the child workflows hooks may start. One list,
 * read by publish-time validation (an unknown name is an error with its path) and by the
 * engine. Safe to import from workflow code: data only.
 */

export interface SystemActivitySpec {
  description: string;
  /** Input names; `required` ones must be mapped by the template. */
  inputs: Record<string, { required: boolean; description: string }>;
}

export const SYSTEM_ACTIVITIES = {
  postMessage: {
    description: 'Post an in-app message to a user (default: the initiator)',
    inputs: {
      userId: { required: false, description: 'recipient user id (default: the initiator)' },
      title: { required: true, description: 'message title' },
      body: { required: true, description: 'message text' },
    },
  },
  createTodo: {
    description: "Put a to-do on a user's list (default: the initiator)",
    inputs: {
      userId: { required: false, description: 'owner user id (default: the initiator)' },
      title: { required: true, description: 'to-do title' },
      notes: { required: false, description: 'notes' },
      dueInDays: { required: false, description: 'due this many days after the step runs' },
    },
  },
} as const satisfies Record<string, SystemActivitySpec>;

export type SystemActivityName = keyof typeof SYSTEM_ACTIVITIES;
export const isSystemActivity = (name: string): name is SystemActivityName => Object.prototype.hasOwnProperty.call(SYSTEM_ACTIVITIES, name);

/** Child workflow types an outcome hook may start (by the names templates use). */
export const HOOK_WORKFLOW_TYPES: readonly string[] = ['grantRoleSaga', 'grantRoleSagaWorkflow'];
