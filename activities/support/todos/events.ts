/**
 * The seam for to-do reminders. The to-do service announces every change that affects when a
 * reminder should fire; a reminder module (a Temporal workflow per to-do, later) subscribes
 * here instead of being called from inside the service. Listeners run after the change is
 * committed; a failing listener is logged and never undoes or fails the user's change.
 */
import type { Todo } from '../../../db/entities';
import type { Logger } from '../../../common/logger';

export type TodoEvent =
  | { type: 'created'; todo: Todo }
  | { type: 'completed'; todo: Todo }
  | { type: 'reopened'; todo: Todo }
  | { type: 'deleted'; todo: Todo }
  /** The due time changed (set, moved or cleared) on an open to-do. */
  | { type: 'retimed'; todo: Todo; previousDueAt: Date | null };

export type TodoListener = (event: TodoEvent) => void | Promise<void>;

export class TodoEvents {
  private readonly listeners = new Set<TodoListener>();

  constructor(private readonly log: Logger) {}

  /** Returns the function that unsubscribes. */
  subscribe(listener: TodoListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async emit(event: TodoEvent): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener(event);
      } catch (err) {
        this.log.error({ err, event: event.type, todoId: event.todo.id }, 'to-do listener failed');
      }
    }
  }
}
