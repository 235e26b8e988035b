/**
 * The codec endpoint's rules: who may turn stored Temporal payloads back into clear text, and
 * the conversion between the codec-server JSON and payloads.
 *
 * Payloads are not tenant-tagged: one history holds one tenant's data, but the Temporal UI asks
 * to decode payloads without saying whose workflow they belong to, and the Temporal UI itself
 * shows every tenant's workflows. Decoding is therefore a platform operator's right, not a
 * tenant permission (a tenant administrator holds every tenant permission and must not read
 * other tenants' forms): only the users named in TEMPORAL_CODEC_OPERATORS (`tenantCode/username`)
 * may decode or encode, and only with an access token (not an API key: a long-lived key should
 * not open every tenant's data). Every call is written to the audit log by the API's audit trail.
 */
import type { Payload } from '@temporalio/common';
import type { Runtime } from '../runtime';
import type { Actor } from '../../common/actor';
import { BadRequestError, ForbiddenError } from '../../common/errors';
import { Tenant, User } from '../../db/entities';
import { PayloadDecryptionError } from '../../temporal/encryption-codec';
import type { CodecPayloads } from './schema';

const toBytes = (b64: string | null | undefined): Uint8Array => new Uint8Array(Buffer.from(b64 ?? '', 'base64'));
const toBase64 = (bytes: Uint8Array | null | undefined): string => Buffer.from(bytes ?? new Uint8Array()).toString('base64');

export function payloadsFromJson(body: CodecPayloads): Payload[] {
  return body.payloads.map((p) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, toBytes(v)])),
    data: toBytes(p.data),
  }));
}

export function payloadsToJson(payloads: Payload[]): CodecPayloads {
  return {
    payloads: payloads.map((p) => ({
      metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, toBase64(v)])),
      data: toBase64(p.data),
    })),
  };
}

/** `acme/admin, ops/jane` → {"acme/admin", "ops/jane"} (case-insensitive, like logins). */
export const parseOperators = (raw: string | undefined): Set<string> =>
  new Set((raw ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean));

export class TemporalCodecService {
  constructor(private readonly rt: Runtime) {}

  private get codec() {
    return this.rt.dataConverter.payloadCodecs[0];
  }

  /** Throws 403 unless the caller is a platform operator signed in with an access token. */
  async assertOperator(actor: Actor): Promise<void> {
    if (actor.via !== 'access_token') {
      throw new ForbiddenError('codec_operator_only', 'Decoding Temporal payloads needs an operator access token, not an API key');
    }
    const operators = parseOperators(this.rt.config.TEMPORAL_CODEC_OPERATORS);
    const em = this.rt.orm.em;
    const [tenant, user] = await Promise.all([em.findOne(Tenant, { id: actor.tenantId }), em.findOne(User, { id: actor.userId, tenantId: actor.tenantId })]);
    if (!tenant || !user || !operators.has(`${tenant.code}/${user.username}`.toLowerCase())) {
      throw new ForbiddenError('codec_operator_only', 'Only platform operators (TEMPORAL_CODEC_OPERATORS) may decode Temporal payloads');
    }
  }

  /** Only this deployment's namespace: its keys say nothing about other namespaces' payloads. */
  private assertNamespace(namespace: string | undefined) {
    if (namespace && namespace !== this.rt.config.TEMPORAL_NAMESPACE) {
      throw new BadRequestError('codec_unknown_namespace', `This codec serves the namespace ${this.rt.config.TEMPORAL_NAMESPACE} only`);
    }
  }

  async decode(actor: Actor, body: CodecPayloads, namespace?: string): Promise<CodecPayloads> {
    await this.assertOperator(actor);
    this.assertNamespace(namespace);
    try {
      const decoded = await this.codec.decode(payloadsFromJson(body));
      this.rt.log.info({ payloads: decoded.length, namespace }, 'temporal payloads decoded for an operator');
      return payloadsToJson(decoded);
    } catch (err) {
      // The codec-server protocol answers a decoder error with 400.
      if (err instanceof PayloadDecryptionError) throw new BadRequestError('payload_decode_failed', err.message);
      throw err;
    }
  }

  async encode(actor: Actor, body: CodecPayloads, namespace?: string): Promise<CodecPayloads> {
    await this.assertOperator(actor);
    this.assertNamespace(namespace);
    return payloadsToJson(await this.codec.encode(payloadsFromJson(body)));
  }
}
