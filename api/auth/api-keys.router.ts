/** API keys: create (the key is returned once), list, read, revoke. */
import { IdParams, route, type RouteModule } from '../route';
import { PageOf } from '../../common/pagination';
import { PERMISSIONS } from '../../activities/permission/catalog';
import { ApiKeyListQuery, ApiKeyView, CreateApiKeyBody, CreatedApiKey, toApiKeyView } from '../../activities/auth/schema';

export const apiKeysModule: RouteModule = {
  prefix: '/api/v1/api-keys',
  tag: 'API keys',
  routes: [
    route({
      method: 'post',
      path: '/',
      summary: 'Create an API key acting as me, limited to the given scopes',
      description: 'The response carries the full key (`key`) once; only its hash is kept. Use it as `Authorization: ApiKey <key>` or `X-Api-Key: <key>`.',
      permission: PERMISSIONS.apiKeyManage,
      body: CreateApiKeyBody,
      status: 201,
      response: CreatedApiKey,
      handler: async ({ body, actor, rt }) => {
        const { apiKey, key } = await rt.services.apiKeys.create(actor, body);
        return { ...toApiKeyView(apiKey), key };
      },
    }),
    route({
      method: 'get',
      path: '/',
      summary: "The tenant's API keys (never the secrets)",
      permission: PERMISSIONS.apiKeyManage,
      query: ApiKeyListQuery,
      response: PageOf(ApiKeyView),
      handler: async ({ query, actor, rt }) => {
        const page = await rt.services.apiKeys.list(actor, query);
        return { ...page, items: page.items.map(toApiKeyView) };
      },
    }),
    route({
      method: 'get',
      path: '/:id',
      summary: 'One API key',
      permission: PERMISSIONS.apiKeyManage,
      params: IdParams,
      response: ApiKeyView,
      errors: [404],
      handler: async ({ params, actor, rt }) => toApiKeyView(await rt.services.apiKeys.get(actor, params.id)),
    }),
    route({
      method: 'delete',
      path: '/:id',
      summary: 'Revoke an API key',
      permission: PERMISSIONS.apiKeyManage,
      params: IdParams,
      status: 204,
      errors: [404],
      handler: async ({ params, actor, rt }) => {
        await rt.services.apiKeys.revoke(actor, params.id);
      },
    }),
  ],
};
