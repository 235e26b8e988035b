/**
 * Trace context through a workflow, without changing how the workflow runs.
 *
 * The package's own workflow interceptor (@temporalio/interceptors-opentelemetry) wraps every
 * handler in async spans: its extra awaits move Update handlers relative to the main flow, and
 * the committed approval histories no longer replay. This one only reads and writes headers and
 * attaches a side reaction to the run's promise: no await, no command, no change in ordering.
 *
 *  - The run's span id is derived from the run id (deterministic, the same in every replay).
 *  - Activities and child workflows get a `traceparent` naming that span as their parent, so
 *    the worker's activity interceptor puts RunActivity spans under it.
 *  - When the run ends, one RunWorkflow span (start: run start, end: now in workflow time) goes
 *    out through the `exporter` sink, which the worker feeds to its span processor. Sinks are not
 *    called while replaying, so a worker restart does not send it twice.
 */
import { defaultPayloadConverter, type Headers, type Payload } from '@temporalio/common';
import { proxySinks, workflowInfo, type Sinks, type WorkflowInterceptorsFactory } from '@temporalio/workflow';

/** The header the client and activity interceptors of @temporalio/interceptors-opentelemetry use. */
const TRACE_HEADER = '_tracer-data';

interface Carrier {
  traceparent?: string;
}

type HrTime = [number, number];

/** The span shape the package's worker-side `makeWorkflowExporter` sink turns into a ReadableSpan. */
interface SerializableSpan {
  name: string;
  kind: number;
  spanContext: { traceId: string; spanId: string; traceFlags: number };
  parentSpanId?: string;
  startTime: HrTime;
  endTime: HrTime;
  status: { code: number; message?: string };
  attributes: Record<string, string>;
  links: never[];
  events: never[];
  duration: HrTime;
  ended: boolean;
  droppedAttributesCount: number;
  droppedLinksCount: number;
  droppedEventsCount: number;
  instrumentationLibrary: { name: string };
}

interface TracingSinks extends Sinks {
  exporter: { export(spans: SerializableSpan[]): void };
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

function parentOf(headers: Headers): { traceId: string; spanId: string; flags: number } | undefined {
  const payload = headers[TRACE_HEADER];
  if (!payload) return undefined;
  try {
    const m = TRACEPARENT.exec(defaultPayloadConverter.fromPayload<Carrier>(payload).traceparent ?? '');
    return m ? { traceId: m[1], spanId: m[2], flags: parseInt(m[3], 16) } : undefined;
  } catch {
    return undefined;
  }
}

const hr = (ms: number): HrTime => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];

/** This run's trace (from the starter's headers) and its own span id; set when the run starts. */
let run: { traceId: string; spanId: string; flags: number; parentSpanId: string } | undefined;

function withTraceHeader(headers: Headers): Headers {
  if (!run) return headers;
  const carrier: Carrier = { traceparent: `00-${run.traceId}-${run.spanId}-${run.flags.toString(16).padStart(2, '0')}` };
  return { ...headers, [TRACE_HEADER]: defaultPayloadConverter.toPayload(carrier) as Payload };
}

function exportRunSpan(error: unknown) {
  if (!run) return;
  const info = workflowInfo();
  const start = info.runStartTime.getTime();
  const end = Date.now();
  // A continue-as-new ends this run normally.
  const failed = error !== undefined && (error as Error | undefined)?.name !== 'ContinueAsNew';
  proxySinks<TracingSinks>().exporter.export([
    {
      name: `RunWorkflow:${info.workflowType}`,
      kind: 0, // INTERNAL
      spanContext: { traceId: run.traceId, spanId: run.spanId, traceFlags: run.flags },
      parentSpanId: run.parentSpanId,
      startTime: hr(start),
      endTime: hr(end),
      status: failed ? { code: 2, message: (error as Error | undefined)?.message } : { code: 0 },
      attributes: { workflowId: info.workflowId, runId: info.runId, workflowType: info.workflowType },
      links: [],
      events: [],
      duration: hr(end - start),
      ended: true,
      droppedAttributesCount: 0,
      droppedLinksCount: 0,
      droppedEventsCount: 0,
      instrumentationLibrary: { name: 'signoff-workflow' },
    },
  ]);
}

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [
    {
      execute(input, next) {
        const parent = parentOf(input.headers);
        if (parent) run = { traceId: parent.traceId, spanId: workflowInfo().runId.replace(/-/g, '').slice(0, 16), flags: parent.flags, parentSpanId: parent.spanId };
        const result = next(input);
        // A side reaction: the workflow awaits `result` itself, unchanged.
        if (run) result.then(() => exportRunSpan(undefined), (err: unknown) => exportRunSpan(err));
        return result;
      },
    },
  ],
  outbound: [
    {
      scheduleActivity: (input, next) => next({ ...input, headers: withTraceHeader(input.headers) }),
      scheduleLocalActivity: (input, next) => next({ ...input, headers: withTraceHeader(input.headers) }),
      startChildWorkflowExecution: (input, next) => next({ ...input, headers: withTraceHeader(input.headers) }),
    },
  ],
});
