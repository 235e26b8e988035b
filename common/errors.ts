/**
 * Typed domain errors. Services throw these; the API's one error middleware turns them into
 * RFC 9457 problem+json with a stable `code`. Codes are part of the public contract: never
 * rename one, add a new one instead.
 */
export interface FieldError {
  /** Dotted path into the request (`body.email`, `query.page`, `steps[2].assignees`). */
  path: string;
  message: string;
  code?: string;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors?: FieldError[],
    /** Extra members for the problem document (e.g. `retryAfter`). */
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, errors: FieldError[] = [], code = 'validation_failed') {
    super(422, code, message, errors);
  }
}

export class BadRequestError extends AppError {
  constructor(code: string, message: string) {
    super(400, code, message);
  }
}

export class NotFoundError extends AppError {
  constructor(resource: string, id?: string, code = `${resource}_not_found`) {
    super(404, code, id ? `${resource} ${id} was not found` : `${resource} was not found`);
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string, extra?: Record<string, unknown>) {
    super(409, code, message, undefined, extra);
  }
}

export class UnauthorizedError extends AppError {
  constructor(code = 'unauthorized', message = 'Authentication is required') {
    super(401, code, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(code = 'forbidden', message = 'You are not allowed to do this') {
    super(403, code, message);
  }
}

export class TooManyRequestsError extends AppError {
  constructor(code: string, message: string, readonly retryAfterSeconds: number) {
    super(429, code, message, undefined, { retryAfter: retryAfterSeconds });
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(code: string, message: string) {
    super(503, code, message);
  }
}
