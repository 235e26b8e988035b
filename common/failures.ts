/**
 * How domain errors cross into Temporal. A 4xx AppError is a business answer (bad input, quota,
 * conflict): retrying cannot change it, so it becomes a non-retryable ApplicationFailure whose
 * type is the error's stable code. Anything else (database down, SMTP timeout) stays a plain
 * error and Temporal retries it under the workflow's retry policy.
 */
import { ApplicationFailure } from '@temporalio/common';
import { AppError } from './errors';

export function toActivityFailure(err: unknown, typeOverrides: Record<string, string> = {}): unknown {
  if (err instanceof AppError && err.status >= 400 && err.status < 500) {
    return ApplicationFailure.create({
      message: err.message,
      type: typeOverrides[err.code] ?? err.code,
      nonRetryable: true,
      details: err.errors?.length ? [{ code: err.code, errors: err.errors }] : [{ code: err.code }],
    });
  }
  return err;
}

/** Run an activity body, translating business errors on the way out. */
export async function asActivity<T>(fn: () => Promise<T>, typeOverrides?: Record<string, string>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toActivityFailure(err, typeOverrides);
  }
}
