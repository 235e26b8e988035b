/**
 * The typed API client: paths, parameters, bodies and responses all come from
 * `schema.d.ts`, generated from the API's OpenAPI document (`npm run api:types`). A changed
 * endpoint therefore breaks `vue-tsc`, not the people using the console.
 *
 * Every call carries the access token; a 401 refreshes the session once (see session.ts) and
 * retries the request; problem+json answers become `ApiError`s.
 */
import createClient from 'openapi-fetch';
import type { paths } from './schema';
import { accessTokenFresh, getTokens, refreshTokens } from './session';
import { ApiError, type Problem } from './problem';

const NO_AUTH = ['/api/v1/auth/login', '/api/v1/auth/refresh', '/api/v1/console-config'];

/** Called when the session cannot be renewed (the auth store then goes to the login page). */
let onSessionEnded: () => void = () => undefined;
export const setSessionEndedHandler = (fn: () => void) => {
  onSessionEnded = fn;
};

async function authFetch(input: Request): Promise<Response> {
  const url = new URL(input.url, location.origin);
  if (NO_AUTH.includes(url.pathname)) return fetch(input);
  const retry = input.clone();
  let tokens = getTokens();
  if (tokens && !accessTokenFresh(tokens)) tokens = await refreshTokens(tokens.accessToken);
  if (tokens) input.headers.set('authorization', `Bearer ${tokens.accessToken}`);
  const res = await fetch(input);
  if (res.status !== 401 || !tokens) return res;
  const renewed = await refreshTokens(tokens.accessToken);
  if (!renewed) {
    onSessionEnded();
    return res;
  }
  retry.headers.set('authorization', `Bearer ${renewed.accessToken}`);
  return fetch(retry);
}

export const api = createClient<paths>({ baseUrl: '', fetch: authFetch });

/**
 * The data of a call, or an ApiError with the server's problem. Network failures become an
 * ApiError with status 0, so pages show one kind of error.
 */
export async function call<T>(pending: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await pending;
  } catch (err) {
    throw new ApiError({ status: 0, code: 'network_error', title: 'Network error', detail: err instanceof Error ? err.message : String(err) });
  }
  const { data, error, response } = result;
  if (response.ok) return data as T;
  const problem = (error && typeof error === 'object' ? error : {}) as Partial<Problem>;
  throw new ApiError({
    status: response.status,
    code: problem.code ?? `http_${response.status}`,
    title: problem.title ?? response.statusText,
    detail: problem.detail,
    errors: problem.errors,
    retryAfter: Number(response.headers.get('retry-after')) || undefined,
  });
}

/** A fresh Idempotency-Key: a retried action then has one effect. */
export const idempotencyKey = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`);

/** A 404 as "nothing yet" (e.g. no plan for today), anything else still an error. */
export async function orNull<T>(pending: Promise<T>): Promise<T | null> {
  try {
    return await pending;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}
