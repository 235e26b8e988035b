/**
 * MikroORM's logger, plus the statement's time for the request's Server-Timing (common/timing.ts)
 * and one span per SQL statement when tracing is on: the ORM reports each
 * query after it ran (with how long it took), so the span is drawn back from that moment, as a
 * child of whatever request or activity ran it. Only the statement's verb is recorded: values
 * in the SQL may be personal data.
 */
import { DefaultLogger, type LogContext, type LoggerOptions } from '@mikro-orm/core';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { tracer, tracingEnabled } from '../common/tracing';
import { recordTiming } from '../common/timing';

export class TracingLogger extends DefaultLogger {
  constructor(
    options: LoggerOptions,
    private readonly system: 'mysql' | 'sqlite',
  ) {
    super(options);
  }

  override logQuery(context: { query: string } & LogContext): void {
    if (context.took != null) recordTiming('db', context.took);
    if (tracingEnabled() && context.took != null) {
      const operation = /^\s*(\w+)/.exec(context.query)?.[1]?.toLowerCase() ?? 'query';
      const end = Date.now();
      const span = tracer().startSpan(`db ${operation}`, {
        kind: SpanKind.CLIENT,
        startTime: end - context.took,
        attributes: { 'db.system': this.system, 'db.operation': operation },
      });
      if (context.level === 'error') span.setStatus({ code: SpanStatusCode.ERROR });
      span.end(end);
    }
    super.logQuery(context);
  }
}
