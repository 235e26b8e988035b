/**
 * OpenTelemetry tracing of one process. Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (or a test
 * installs an exporter): then no provider is registered, every tracer is the API's no-op one and
 * a span costs a function call. On: spans of the HTTP request (api/middleware/tracing.ts), the
 * Temporal client, the workflow and its activities (@temporalio/interceptors-opentelemetry),
 * their SQL statements (db/tracing-logger.ts), mail and webhook calls (`inSpan`) share one trace, exported in batches over OTLP/HTTP (`<endpoint>/v1/traces`).
 */
import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, NoopSpanProcessor, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';

interface Installed {
  provider: NodeTracerProvider;
  processor: SpanProcessor;
  resource: Resource;
}

let installed: Installed | undefined;

/**
 * Register the process-wide tracer provider. `exporter` replaces the OTLP one (tests: in memory,
 * exported at once). Returns false (and installs nothing) when tracing is off.
 */
export function installTracing(serviceName: string, opts: { endpoint?: string; exporter?: SpanExporter } = {}): boolean {
  if (installed) return true;
  if (!opts.exporter && !opts.endpoint) return false;
  const resource = new Resource({ 'service.name': serviceName });
  const processor = opts.exporter ? new SimpleSpanProcessor(opts.exporter) : new BatchSpanProcessor(new OTLPTraceExporter());
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  provider.register(); // AsyncLocalStorage context manager and W3C trace-context propagation
  installed = { provider, processor, resource };
  return true;
}

/** Where the worker's workflow spans go (they leave the sandbox through a sink). */
export function workflowSpanSink(): { processor: SpanProcessor; resource: Resource } {
  return installed ?? { processor: new NoopSpanProcessor(), resource: new Resource({ 'service.name': 'signoff-worker' }) };
}

export const tracingEnabled = () => installed !== undefined;

/** Flush and unregister (shutdown, and tests that install their own exporter). */
export async function shutdownTracing(): Promise<void> {
  if (!installed) return;
  const { provider } = installed;
  installed = undefined;
  await provider.shutdown().catch(() => undefined);
  trace.disable();
  context.disable();
  propagation.disable();
}

export const tracer = () => trace.getTracer('signoff');

/** The trace id of a recording span, or undefined (tracing off: the no-op span's id is all zeros). */
export function traceIdOf(span: Span | undefined): string | undefined {
  const ctx = span?.spanContext();
  return ctx && span!.isRecording() ? ctx.traceId : undefined;
}

/**
 * Run `work` in a child span of the current one (an outgoing call: mail, webhook). With tracing
 * off the span is the API's no-op one. Failures mark the span and are rethrown unchanged.
 */
export function inSpan<T>(name: string, attributes: Record<string, string | number>, work: () => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, { kind: SpanKind.CLIENT, attributes }, async (span) => {
    try {
      return await work();
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw err;
    } finally {
      span.end();
    }
  });
}
