/**
 * Typed domain errors. Services throw these; the API's one error middleware turns them into
 * RFC 9457 problem+json with a stable `code`. Codes are part of the public contract: never
 * rename one, add a new one instead. Every code is catalogued in common/error-codes.ts (served at
 * `GET /api/v1/errors`); the constructors accept only catalogued codes whose status matches.
 */
import type { ErrorCode, ErrorCodeWithStatus, NotFoundResource } from './error-codes';

type StatusOf<C extends ErrorCode> = (typeof import('./error-codes').ERROR_CODES)[C] extends infer E
  ? (E extends { status: infer S } ? S : never) | (E extends { alsoStatus: readonly (infer A)[] } ? A : never)
  : never;

export interface FieldError {
  /** Dotted path into the request (`body.email`, `query.page`, `steps[2].assignees`). */
  path: string;
  message: string;
  /** Free-form, per field (zod issue codes and a few of ours): not in the error catalogue. */
  code?: string;
}

export class AppError<C extends ErrorCode = ErrorCode> extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  constructor(
    status: StatusOf<C>,
    code: C,
    message: string,
    readonly errors?: FieldError[],
    /** Extra members for the problem document (e.g. `retryAfter`). */
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  declare readonly code: ErrorCodeWithStatus<422>;
  constructor(message: string, errors: FieldError[] = [], code: ErrorCodeWithStatus<422> = 'validation_failed') {
    super(422, code, message, errors);
  }
}

export class BadRequestError extends AppError {
  constructor(code: ErrorCodeWithStatus<400>, message: string) {
    super(400, code, message);
  }
}

export class NotFoundError extends AppError {
  constructor(resource: NotFoundResource, id?: string, code: ErrorCodeWithStatus<404> = `${resource}_not_found` as ErrorCodeWithStatus<404>) {
    super(404, code, id ? `${resource} ${id} was not found` : `${resource} was not found`);
  }
}

export class ConflictError extends AppError {
  constructor(code: ErrorCodeWithStatus<409>, message: string, extra?: Record<string, unknown>) {
    super(409, code, message, undefined, extra);
  }
}

export class UnauthorizedError extends AppError {
  constructor(code: ErrorCodeWithStatus<401> = 'unauthorized', message = 'Authentication is required') {
    super(401, code, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(code: ErrorCodeWithStatus<403> = 'forbidden', message = 'You are not allowed to do this') {
    super(403, code, message);
  }
}

export class TooManyRequestsError extends AppError {
  constructor(code: ErrorCodeWithStatus<429>, message: string, readonly retryAfterSeconds: number) {
    super(429, code, message, undefined, { retryAfter: retryAfterSeconds });
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(code: ErrorCodeWithStatus<503>, message: string) {
    super(503, code, message);
  }
}
