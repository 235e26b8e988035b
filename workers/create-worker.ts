/**
 * Build the product worker: all workflows (bundled once) and all activities on one task queue.
 * Tests use the same factory with a pre-built bundle.
 */
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Runtime } from '../activities/runtime';
import { createActivities, type Activities } from '../activities';
import { ActivityContextInterceptor } from './interceptors';
import { makeWorkflowExporter, OpenTelemetryActivityInboundInterceptor, OpenTelemetryActivityOutboundInterceptor } from '@temporalio/interceptors-opentelemetry';
import { workflowSpanSink } from '../common/tracing';
import { WORKFLOW_INTERCEPTOR_MODULES } from './workflow-interceptors';

export interface CreateWorkerOptions {
  connection: NativeConnection;
  taskQueue?: string;
  /** Pre-built bundle (tests, production images). Default: bundle `workflows/` now. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Extra workflow interceptor modules (tests add the assert-to-failure one). */
  workflowInterceptorModules?: string[];
  maxConcurrentActivityTaskExecutions?: number;
  /** Tests wrap activities to inject faults (a step that fails) around the real ones. */
  wrapActivities?: (activities: Activities) => Activities;
}

export const workflowsPath = () => require.resolve('../workflows');

export async function createWorker(rt: Runtime, opts: CreateWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: rt.config.TEMPORAL_NAMESPACE,
    dataConverter: rt.dataConverter,
    taskQueue: opts.taskQueue ?? rt.config.TEMPORAL_TASK_QUEUE,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: workflowsPath() }),
    activities: (opts.wrapActivities ?? ((a) => a))(createActivities(rt)),
    interceptors: {
      // Tracing first: the activity's span is current while our interceptor sets up its context.
      activity: [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) }), () => ({ inbound: new ActivityContextInterceptor(rt) })],
      // Only when bundling here: a pre-built bundle has them already (test/global-setup.ts).
      ...(opts.workflowBundle ? {} : { workflowModules: [...WORKFLOW_INTERCEPTOR_MODULES, ...(opts.workflowInterceptorModules ?? [])] }),
    },
    // Workflow spans leave the sandbox through this sink (a no-op processor when tracing is off).
    sinks: { exporter: makeWorkflowExporter(workflowSpanSink().processor, workflowSpanSink().resource) },
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivityTaskExecutions ?? 50,
    // On SIGTERM the worker stops polling and lets in-flight activities finish for this long;
    // anything still running after it is retried by Temporal on another worker.
    shutdownGraceTime: '20s',
  });
}
