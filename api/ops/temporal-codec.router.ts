/**
 * Codec endpoint for the Temporal Web UI and CLI (`--ui-codec-endpoint`, `--codec-endpoint`):
 * `POST …/decode` and `…/encode` in the codec-server protocol, for platform operators only.
 * Browsers authenticate with the codec cookie (see temporal-codec-browser.ts), the CLI with
 * `--codec-auth "Bearer <access token>"`.
 */
import { z } from 'zod';
import type { Context } from 'koa';
import { publicRoute, route, type RouteModule } from '../route';
import { CodecPayloads } from '../../activities/ops/schema';

export const TEMPORAL_CODEC_PREFIX = '/api/v1/temporal-codec';
export const CODEC_COOKIE = 'signoff_codec';

const OPERATORS_ONLY =
  'Platform operators only (TEMPORAL_CODEC_OPERATORS, signed in with an access token; API keys are refused): payloads are not tenant-scoped. Audited.';

/** The UI and the CLI name the namespace in `X-Namespace`. */
const namespaceOf = (ctx: Context) => ctx.get('x-namespace') || undefined;

const CodecSession = z.object({ expiresAt: z.string() });

export const temporalCodecModule: RouteModule = {
  prefix: TEMPORAL_CODEC_PREFIX,
  tag: 'Temporal codec',
  routes: [
    route({
      method: 'post',
      path: '/decode',
      summary: 'Decrypt Temporal payloads (codec-server protocol)',
      description: `${OPERATORS_ONLY} Payloads that are not encrypted come back unchanged; an altered one or one under an unknown key is a 400 \`payload_decode_failed\`.`,
      body: CodecPayloads,
      response: CodecPayloads,
      handler: ({ body, actor, ctx, rt }) => rt.services.temporalCodec.decode(actor, body, namespaceOf(ctx)),
    }),
    route({
      method: 'post',
      path: '/encode',
      summary: 'Encrypt Temporal payloads with the current key (codec-server protocol)',
      description: `${OPERATORS_ONLY} The Temporal UI uses it for the input of a signal or start it sends.`,
      body: CodecPayloads,
      response: CodecPayloads,
      handler: ({ body, actor, ctx, rt }) => rt.services.temporalCodec.encode(actor, body, namespaceOf(ctx)),
    }),
    route({
      method: 'post',
      path: '/session',
      summary: 'Open a codec session in this browser (HttpOnly cookie) for the Temporal UI',
      description: `${OPERATORS_ONLY} Sets a cookie holding a fresh access token of its own, valid for the access-token lifetime and sent only to this path; the Temporal UI sends it when its codec setting "Include cross-origin credentials" is on. The sign-in page /temporal-codec does this for you.`,
      status: 201,
      response: CodecSession,
      handler: async ({ actor, ctx, rt }) => {
        await rt.services.temporalCodec.assertOperator(actor);
        const issued = await rt.tokens.issue({ id: actor.userId, tenantId: actor.tenantId });
        ctx.cookies.set(CODEC_COOKIE, issued.token, {
          httpOnly: true,
          sameSite: 'strict',
          secure: ctx.secure,
          path: TEMPORAL_CODEC_PREFIX,
          expires: issued.expiresAt,
          overwrite: true,
        });
        return { expiresAt: issued.expiresAt.toISOString() };
      },
    }),
    publicRoute({
      method: 'delete',
      path: '/session',
      summary: "End this browser's codec session",
      description: 'Revokes the token held by the codec cookie and clears the cookie. Without a cookie it does nothing.',
      auth: false,
      status: 204,
      handler: async ({ ctx, rt }) => {
        const token = ctx.cookies.get(CODEC_COOKIE);
        if (token) {
          const actor = await rt.services.auth.authenticateAccessToken(token).catch(() => undefined);
          if (actor) await rt.services.auth.logout(actor, {});
        }
        ctx.cookies.set(CODEC_COOKIE, '', { httpOnly: true, sameSite: 'strict', secure: ctx.secure, path: TEMPORAL_CODEC_PREFIX, maxAge: 0, overwrite: true });
      },
    }),
  ],
};
