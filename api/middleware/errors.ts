/**
 * The one place errors become HTTP responses: RFC 9457 problem+json with a stable `code`.
 * Typed domain errors keep their status and code; Temporal and ORM errors we recognise are
 * mapped; anything else is logged with its stack and becomes a generic 500.
 */
import type { Context, Middleware } from 'koa';
import { ConnectionException, UniqueConstraintViolationException } from '@mikro-orm/core';
import { WorkflowNotFoundError, WorkflowExecutionAlreadyStartedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { AppError, type FieldError } from '../../common/errors';
import { errorStatus, knownErrorCode, type ErrorCode } from '../../common/error-codes';
import type { Logger } from '../../common/logger';

export const PROBLEM_BASE = 'https://signoff.dev/problems/';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code: ErrorCode;
  errors?: FieldError[];
  requestId?: string;
  /** The OpenTelemetry trace of the request, when tracing is on: find it in the trace viewer. */
  traceId?: string;
  [extra: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

export function toProblem(err: unknown, requestId?: string, traceId?: string): Problem {
  const make = (status: number, code: ErrorCode, detail?: string, errors?: FieldError[], extra?: Record<string, unknown>): Problem => ({
    type: PROBLEM_BASE + code,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...(errors && errors.length ? { errors } : {}),
    ...extra,
    requestId,
    ...(traceId ? { traceId } : {}),
  });
  if (err instanceof AppError) return make(err.status, err.code, err.message, err.errors, err.extra);
  // A store we depend on is down: not our bug, and worth retrying shortly. Say so (503 with
  // Retry-After) instead of a 500 that reads like a defect.
  const outage = dependencyOutage(err);
  if (outage) return make(503, 'dependency_unavailable', `The ${outage} is not reachable; try again shortly`, undefined, { retryAfter: 5 });
  if (err instanceof UniqueConstraintViolationException) return make(409, 'duplicate', 'A record with the same unique value already exists');
  if (err instanceof WorkflowNotFoundError) return make(404, 'workflow_not_found', err.message);
  if (err instanceof WorkflowExecutionAlreadyStartedError) return make(409, 'workflow_already_started', err.message);
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause as { message?: string; type?: string } | undefined;
    // Only a catalogued failure type is a code (with the catalogue's status): clients can map it.
    const code = knownErrorCode(cause?.type ? snake(cause.type) : undefined, 'update_rejected');
    return make(errorStatus(code), code, cause?.message ?? err.message);
  }
  // Errors raised by Koa / body parser carry an http status.
  const httpErr = err as { status?: number; expose?: boolean; message?: string; type?: string };
  if (typeof httpErr?.status === 'number' && httpErr.status >= 400 && httpErr.status < 500) {
    const code =
      httpErr.status === 413 ? 'payload_too_large' : httpErr.status === 415 ? 'unsupported_media_type' : httpErr.type === 'entity.parse.failed' || (err as Error).name === 'SyntaxError' ? 'malformed_json' : 'bad_request';
    const detail = code === 'malformed_json' ? 'The request body is not valid JSON' : httpErr.expose ? httpErr.message : undefined;
    return make(httpErr.status, code, detail);
  }
  return make(500, 'internal_error', 'Something went wrong on our side; the request id helps us find it');
}

/**
 * Which backing store an error says is unreachable, if any. ioredis fails commands with
 * `MaxRetriesPerRequestError` (not exported from its index, so matched by name) or "Connection
 * is closed" while it reconnects; MikroORM wraps lost database connections in ConnectionException.
 */
function dependencyOutage(err: unknown): 'session store' | 'database' | null {
  if (err instanceof ConnectionException) return 'database';
  const e = err as { name?: string; message?: string } | null;
  if (e?.name === 'MaxRetriesPerRequestError' || e?.message === 'Connection is closed.') return 'session store';
  return null;
}

const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

export function sendProblem(ctx: Context, problem: Problem) {
  ctx.status = problem.status;
  ctx.type = 'application/problem+json';
  if (typeof problem.retryAfter === 'number') ctx.set('Retry-After', String(problem.retryAfter));
  ctx.body = problem;
}

export const errorHandler = (log: Logger): Middleware => async (ctx, next) => {
  try {
    await next();
    if (ctx.status === 404 && ctx.body === undefined) {
      sendProblem(ctx, toProblem(new AppError(404, 'route_not_found', `No route for ${ctx.method} ${ctx.path}`), ctx.state.requestId, ctx.state.traceId));
    }
  } catch (err) {
    const problem = toProblem(err, ctx.state.requestId, ctx.state.traceId);
    if (problem.status >= 500) log.error({ err }, 'unhandled error');
    sendProblem(ctx, problem);
  }
};
