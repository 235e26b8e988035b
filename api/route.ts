/**
 * Routes are declared as data: method, path, schemas, permission and handler. The same
 * declaration mounts the Koa route, validates the request and produces the OpenAPI document,
 * so the docs can never drift from what the API accepts.
 */
import type { Context } from 'koa';
import { z } from 'zod';
import type { Actor } from '../common/actor';
import { Uuid } from '../common/schema';
import type { Runtime } from '../activities/runtime';
import type { PermissionCode } from '../activities/permission/catalog';
import type { KeyScope, RouteKeyAccess } from '../activities/auth/key-scopes';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Schema = z.ZodType;
type Infer<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RequestInput<B, Q, P> {
  body: Infer<B>;
  query: Infer<Q>;
  params: Infer<P>;
  ctx: Context;
  rt: Runtime;
}

export interface AuthedInput<B, Q, P> extends RequestInput<B, Q, P> {
  actor: Actor;
}

interface RouteBase<B, Q, P> {
  method: HttpMethod;
  /** Koa path relative to the module prefix, e.g. `/:id`. */
  path: string;
  summary: string;
  description?: string;
  body?: B;
  query?: Q;
  params?: P;
  /** Success status (default 200; 201/202/204 where it applies). */
  status?: number;
  response?: Schema;
  /** Extra documented error statuses besides the generic ones. */
  errors?: number[];
  /**
   * The handler reads the body itself as multipart/form-data (the JSON body parser leaves it
   * alone); documented as file parts named by this field.
   */
  multipartFiles?: string;
  /** The success response is the bytes of a file (documented as binary), not JSON. */
  binaryResponse?: boolean;
}

export interface PublicRoute<B, Q, P> extends RouteBase<B, Q, P> {
  auth: false;
  handler: (input: RequestInput<B, Q, P>) => Promise<unknown>;
}

export interface ProtectedRoute<B, Q, P> extends RouteBase<B, Q, P> {
  auth?: true;
  /** Permission the caller must hold (checked before validation of the body). */
  permission?: PermissionCode;
  /**
   * Only for routes without `permission`: what lets an API key call it. Without it keys are
   * refused (403 `api_key_not_allowed`); see activities/auth/key-scopes.ts.
   */
  apiKey?: RouteKeyAccess | readonly KeyScope[];
  /**
   * A route whose service checks the permission itself, because someone without it may also
   * pass (a template's managers): the code and who else, documented as `x-permission` and
   * `x-permission-alternative`. Goes with `apiKey: 'service-checked'` and no `permission`.
   */
  servicePermission?: { code: PermissionCode; or: string };
  handler: (input: AuthedInput<B, Q, P>) => Promise<unknown>;
}

export type Route<B = any, Q = any, P = any> = PublicRoute<B, Q, P> | ProtectedRoute<B, Q, P>;

/** Identity helpers that give handlers typed inputs. */
export function route<B extends Schema | undefined = undefined, Q extends Schema | undefined = undefined, P extends Schema | undefined = undefined>(
  spec: ProtectedRoute<B, Q, P>,
): Route {
  return spec as Route;
}

export function publicRoute<B extends Schema | undefined = undefined, Q extends Schema | undefined = undefined, P extends Schema | undefined = undefined>(
  spec: PublicRoute<B, Q, P>,
): Route {
  return spec as Route;
}

export interface RouteModule {
  /** Mount prefix, e.g. `/api/v1/users`. */
  prefix: string;
  tag: string;
  routes: Route[];
}

export const IdParams = z.object({ id: Uuid });
