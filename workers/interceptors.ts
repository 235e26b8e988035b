import { RequestContext } from '@mikro-orm/core';
import { Context } from '@temporalio/activity';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import { trace } from '@opentelemetry/api';
import { logContext } from '../common/context';
import { traceIdOf } from '../common/tracing';
import type { Runtime } from '../activities/runtime';

/**
 * Each activity runs in its own MikroORM context (fresh identity map, never the global EM) and
 * with workflow id, activity type and (tracing on) trace id in the log context.
 */
export class ActivityContextInterceptor implements ActivityInboundCallsInterceptor {
  constructor(private readonly rt: Runtime) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const info = Context.current().info;
    // The tracing interceptor runs first: its RunActivity span is the active one here.
    const traceId = traceIdOf(trace.getActiveSpan());
    return logContext.run({ workflowId: info.workflowExecution?.workflowId, activity: info.activityType, ...(traceId ? { traceId } : {}) }, () =>
      RequestContext.create(this.rt.orm.em, () => next(input)),
    );
  }
}
