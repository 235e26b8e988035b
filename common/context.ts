import { AsyncLocalStorage } from 'node:async_hooks';

/** Who/what the current unit of work is about. Logs read it so every line carries these ids. */
export interface LogContext {
  requestId?: string;
  /** OpenTelemetry trace id (tracing on only). */
  traceId?: string;
  tenantId?: string;
  userId?: string;
  workflowId?: string;
  activity?: string;
}

export const logContext = new AsyncLocalStorage<LogContext>();

export function currentLogContext(): LogContext {
  return logContext.getStore() ?? {};
}
