/**
 * API keys for integrations: create (the key is shown once), list, revoke, authenticate.
 * A key looks like `sk_<prefix>_<secret>`. The prefix (random, unique) finds the row; only the
 * SHA-256 of the whole key is stored, compared in constant time. A key acts as the user who
 * created it, limited to its scopes.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Runtime } from '../runtime';
import { can, type Actor } from '../../common/actor';
import { NotFoundError, UnauthorizedError, ValidationError, type FieldError } from '../../common/errors';
import { newId } from '../../common/ids';
import { offsetOf, pageOf, type Page, type PageQuery } from '../../common/pagination';
import { ApiKey, Tenant, User } from '../../db/entities';
import { PERMISSION_CATALOG } from '../permission/catalog';
import { scopesOf, type CreateApiKeyBody } from './schema';

const KEY_FORMAT = /^sk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

/** `lastUsedAt` is written at most this often per key, so a busy integration is not a write per call. */
export const LAST_USED_RESOLUTION_MS = 60_000;

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

const CATALOG = new Set<string>(PERMISSION_CATALOG.map((p) => p.code));

export class ApiKeyService {
  constructor(private readonly rt: Runtime) {}

  private get em() {
    return this.rt.orm.em;
  }

  /**
   * Create a key acting as the actor. Every scope must be a catalogue permission the actor
   * holds (a key can narrow its owner's rights, never widen them). Returns the row and the
   * full key, which is not stored and cannot be shown again.
   */
  async create(actor: Actor, input: CreateApiKeyBody): Promise<{ apiKey: ApiKey; key: string }> {
    const problems: FieldError[] = [];
    const scopes = [...new Set(input.scopes)];
    input.scopes.forEach((scope, i) => {
      if (!CATALOG.has(scope)) problems.push({ path: `body.scopes.${i}`, message: `unknown permission ${scope}`, code: 'unknown_permission' });
      else if (!can(actor, scope)) problems.push({ path: `body.scopes.${i}`, message: `you do not hold ${scope}`, code: 'scope_not_held' });
    });
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
      problems.push({ path: 'body.expiresAt', message: 'must be in the future', code: 'in_the_past' });
    }
    if (problems.length) throw new ValidationError('The API key cannot be created', problems);

    // 48 random bits of prefix: a clash is practically impossible, but a retry costs nothing.
    for (let attempt = 0; ; attempt++) {
      const prefix = randomBytes(6).toString('hex');
      const key = `sk_${prefix}_${randomBytes(32).toString('base64url')}`;
      const em = this.em.fork();
      const apiKey = em.create(ApiKey, {
        id: newId(),
        tenantId: actor.tenantId,
        userId: actor.userId,
        name: input.name,
        prefix,
        keyHash: sha256(key),
        scopes,
        expiresAt: input.expiresAt ?? null,
        createdBy: actor.userId,
      });
      try {
        await em.flush();
        return { apiKey, key };
      } catch (err) {
        if (!(err instanceof UniqueConstraintViolationException) || attempt >= 2) throw err;
      }
    }
  }

  /** The tenant's keys, newest first. Never includes a secret or hash. */
  async list(actor: Actor, q: PageQuery): Promise<Page<ApiKey>> {
    const [items, total] = await this.em.findAndCount(ApiKey, { tenantId: actor.tenantId }, { orderBy: { createdAt: 'desc', id: 'asc' }, ...offsetOf(q) });
    return pageOf(items, total, q);
  }

  async get(actor: Actor, id: string): Promise<ApiKey> {
    const key = await this.em.findOne(ApiKey, { tenantId: actor.tenantId, id });
    if (!key) throw new NotFoundError('api_key', id);
    return key;
  }

  /** Revoke a key of the actor's tenant. Revoking a revoked key changes nothing. */
  async revoke(actor: Actor, id: string): Promise<ApiKey> {
    const em = this.em.fork();
    const key = await em.findOne(ApiKey, { tenantId: actor.tenantId, id });
    if (!key) throw new NotFoundError('api_key', id);
    if (!key.revokedAt) {
      key.revokedAt = new Date();
      await em.flush();
    }
    return key;
  }

  /** Resolve an API key to an Actor (owner's permissions ∩ key scopes). */
  async authenticate(key: string): Promise<Actor> {
    const invalid = () => new UnauthorizedError('api_key_invalid', 'The API key is not valid');
    const match = KEY_FORMAT.exec(key.trim());
    if (!match) throw invalid();
    const em = this.em.fork();
    const row = await em.findOne(ApiKey, { prefix: match[1] });
    // Hash first, always: the comparison is constant-time and does not depend on the lookup.
    const presented = Buffer.from(sha256(key.trim()), 'hex');
    const stored = Buffer.from(row?.keyHash ?? '0'.repeat(64), 'hex');
    if (!row || stored.length !== presented.length || !timingSafeEqual(stored, presented)) throw invalid();
    if (row.revokedAt) throw new UnauthorizedError('api_key_revoked', 'The API key has been revoked');
    if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) throw new UnauthorizedError('api_key_expired', 'The API key has expired');

    const owner = await em.findOne(User, { tenantId: row.tenantId, id: row.userId, deletedAt: null });
    const tenant = await em.findOne(Tenant, { id: row.tenantId });
    if (!owner || owner.status !== 'active' || !tenant || tenant.status !== 'active') {
      throw new UnauthorizedError('api_key_invalid', "The API key's owner or tenant is disabled");
    }
    const held = await this.rt.services.permissions.effectivePermissions(row.tenantId, row.userId);
    const scopes = new Set(scopesOf(row));
    await this.touch(row);
    return {
      tenantId: row.tenantId,
      userId: row.userId,
      via: 'api_key',
      permissions: new Set(held.filter((p) => scopes.has(p))),
      apiKeyId: row.id,
    };
  }

  /**
   * Record use, at most once per LAST_USED_RESOLUTION_MS. The condition lives in the UPDATE, so
   * concurrent requests on several processes write once between them, not once each.
   */
  private async touch(row: ApiKey): Promise<void> {
    const now = new Date();
    const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
    if (row.lastUsedAt && row.lastUsedAt > staleBefore) return;
    await this.em
      .fork()
      .nativeUpdate(ApiKey, { id: row.id, $or: [{ lastUsedAt: null }, { lastUsedAt: { $lt: staleBefore } }] }, { lastUsedAt: now });
  }
}
