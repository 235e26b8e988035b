import { RequestContext } from '@mikro-orm/core';
import { Context } from '@temporalio/activity';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import { logContext } from '../common/context';
import type { Runtime } from '../activities/runtime';

/**
 * Each activity runs in its own MikroORM context (fresh identity map, never the global EM) and
 * with workflow id and activity type in the log context.
 */
export class ActivityContextInterceptor implements ActivityInboundCallsInterceptor {
  constructor(private readonly rt: Runtime) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const info = Context.current().info;
    return logContext.run({ workflowId: info.workflowExecution?.workflowId, activity: info.activityType }, () =>
      RequestContext.create(this.rt.orm.em, () => next(input)),
    );
  }
}
