/** OpenAPI 3.1 document built from the same route declarations and zod schemas that validate requests. */
import { z } from 'zod';
import type { RouteModule } from './route';
import { ERROR_CODES } from '../common/error-codes';

type Json = Record<string, unknown>;

/**
 * zod emits recursive types (menu and department trees) with local `$defs`; in an OpenAPI
 * document a `#/$defs/…` reference would resolve against the document root and break. Hoist
 * every local definition into `components.schemas` and point the references there.
 */
function hoistDefs(schema: Json, prefix: string, components: Json, hoisted: Map<string, string>): Json {
  const defs = (schema.$defs ?? {}) as Record<string, Json>;
  delete schema.$defs;
  delete schema.$schema;
  // The same recursive schema used by several routes (the template DSL) is hoisted once, so
  // clients see one type for it rather than structurally equal copies their compilers cannot unify.
  const key = JSON.stringify(defs);
  const known = key === '{}' ? undefined : hoisted.get(key);
  if (known) prefix = known;
  else if (key !== '{}') hoisted.set(key, prefix);
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (!node || typeof node !== 'object') return node;
    const out: Json = {};
    for (const [k, v] of Object.entries(node as Json)) {
      out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/') ? `#/components/schemas/${prefix}${v.slice(8)}` : rewrite(v);
    }
    return out;
  };
  if (!known) for (const [name, def] of Object.entries(defs)) components[`${prefix}${name}`] = rewrite(def);
  return rewrite(schema) as Json;
}

const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: {
      type: 'string',
      description: 'Stable machine-readable error code; GET /api/v1/errors lists each with its status and meaning',
      enum: Object.keys(ERROR_CODES).sort(),
    },
    errors: {
      type: 'array',
      items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' }, code: { type: 'string', description: 'Free-form, per field (not in the error catalogue)' } } },
    },
    requestId: { type: 'string' },
    traceId: { type: 'string', description: 'OpenTelemetry trace id of the request (present when tracing is on)' },
  },
};

export function buildOpenApi(modules: RouteModule[], info: { version: string; serverUrl?: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Json = { Problem: problemSchema };
  let defCounter = 0;
  const hoisted = new Map<string, string>();
  const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') =>
    hoistDefs(z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json, `S${++defCounter}_`, schemas, hoisted);
  for (const mod of modules) {
    for (const route of mod.routes) {
      const oaPath = (mod.prefix + route.path).replace(/\/$/, '').replace(/:(\w+)/g, '{$1}') || '/';
      const parameters: unknown[] = [];
      for (const [where, schema] of [
        ['path', route.params],
        ['query', route.query],
      ] as const) {
        if (!schema) continue;
        const js = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
        for (const [name, prop] of Object.entries(js.properties ?? {})) {
          parameters.push({ name, in: where, required: where === 'path' || (js.required ?? []).includes(name), schema: prop });
        }
      }
      const status = String(route.status ?? 200);
      const errorStatuses = [400, 422, ...(route.auth === false ? [] : [401, 403]), ...(route.errors ?? [])];
      const responses: Record<string, unknown> = {
        [status]: {
          description: 'Success',
          ...(route.response ? { content: { 'application/json': { schema: jsonSchema(route.response, 'output') } } } : {}),
          ...(route.binaryResponse ? { content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } } : {}),
        },
      };
      for (const s of errorStatuses) {
        responses[String(s)] = { description: 'Problem', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
      }
      paths[oaPath] ??= {};
      paths[oaPath][route.method] = {
        tags: [mod.tag],
        summary: route.summary,
        ...(route.description ? { description: route.description } : {}),
        operationId: `${route.method}_${oaPath.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+/g, '_')}`,
        ...(parameters.length ? { parameters } : {}),
        ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
        ...(route.multipartFiles
          ? {
              requestBody: {
                required: true,
                content: {
                  'multipart/form-data': {
                    schema: { type: 'object', properties: { [route.multipartFiles]: { type: 'array', items: { type: 'string', format: 'binary' } } }, required: [route.multipartFiles] },
                  },
                },
              },
            }
          : {}),
        responses,
        ...(route.auth === false ? { security: [] } : {}),
        ...(route.auth !== false && route.permission ? { 'x-permission': route.permission } : {}),
        ...(route.auth !== false && route.servicePermission ? { 'x-permission': route.servicePermission.code, 'x-permission-alternative': route.servicePermission.or } : {}),
      };
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Signoff API', version: info.version, description: 'Back-office workflows on Temporal: auth, users, permissions, approvals.' },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
      },
    },
    security: [{ bearer: [] }, { apiKey: [] }],
  };
}
