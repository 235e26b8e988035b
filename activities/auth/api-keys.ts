/**
 * API keys for integrations: create (the key is shown once), list, revoke, authenticate.
 * A key looks like `sk_<prefix>_<secret>`. The prefix (random, unique) finds the row; only the
 * SHA-256 of the whole key is stored, compared in constant time. A key acts as the user who
 * created it, limited to its scopes.
 *
 * Keys expire (at most API_KEY_MAX_TTL_DAYS after creation), cannot create keys unless they
 * carry the `apikey:delegate` scope, and a key made with a key dies with it: revoking a key
 * revokes its descendants, and a key whose ancestor is revoked or expired does not authenticate.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Runtime } from '../runtime';
import { can, type Actor } from '../../common/actor';
import { ForbiddenError, NotFoundError, UnauthorizedError, ValidationError, type FieldError } from '../../common/errors';
import { newId } from '../../common/ids';
import { offsetOf, pageOf, type Page, type PageQuery } from '../../common/pagination';
import { ApiKey, Tenant, User } from '../../db/entities';
import { tenantRefused } from './tenant-refusal';
import { PERMISSION_CATALOG } from '../permission/catalog';
import { scopesOf, type CreateApiKeyBody } from './schema';
import { KEY_SCOPE_CODES, KEY_SCOPES } from './key-scopes';

const DAY_MS = 86_400_000;
/** A chain of keys made with keys is followed this far at most (a longer one is refused). */
const MAX_KEY_CHAIN = 10;

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
    const viaKey = actor.via === 'api_key';
    if (viaKey && !actor.keyScopes?.has(KEY_SCOPES.apiKeyDelegate)) {
      throw new ForbiddenError('api_key_not_allowed', `An API key cannot create API keys without the scope ${KEY_SCOPES.apiKeyDelegate}`);
    }
    const problems: FieldError[] = [];
    const scopes = [...new Set(input.scopes)];
    input.scopes.forEach((scope, i) => {
      if (KEY_SCOPE_CODES.has(scope)) {
        // A person may give their key any key scope (they can do all of it themself); a key only its own.
        if (viaKey && !actor.keyScopes?.has(scope)) problems.push({ path: `body.scopes.${i}`, message: `this key does not hold ${scope}`, code: 'scope_not_held' });
      } else if (!CATALOG.has(scope)) problems.push({ path: `body.scopes.${i}`, message: `unknown permission ${scope}`, code: 'unknown_permission' });
      else if (!can(actor, scope)) problems.push({ path: `body.scopes.${i}`, message: `you do not hold ${scope}`, code: 'scope_not_held' });
    });
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
      problems.push({ path: 'body.expiresAt', message: 'must be in the future', code: 'in_the_past' });
    }
    if (problems.length) throw new ValidationError('The API key cannot be created', problems);
    // Capped, not refused: the answer shows the expiry the key really has.
    let expiresAt = new Date(Math.min(input.expiresAt?.getTime() ?? Infinity, Date.now() + this.rt.config.API_KEY_MAX_TTL_DAYS * DAY_MS));
    if (viaKey && actor.apiKeyId) {
      const parent = await this.em.fork().findOneOrFail(ApiKey, { tenantId: actor.tenantId, id: actor.apiKeyId });
      // A child never outlives the key it was made with.
      const parentEnd = this.expiryOf(parent);
      if (parentEnd < expiresAt) expiresAt = parentEnd;
    }

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
        expiresAt,
        createdBy: actor.userId,
        parentKeyId: viaKey ? (actor.apiKeyId ?? null) : null,
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

  /**
   * Revoke a key of the actor's tenant and every key made with it (children, their children…).
   * Revoking a revoked key changes nothing for it, but still sweeps its descendants.
   */
  async revoke(actor: Actor, id: string): Promise<ApiKey> {
    const { tenantId } = actor;
    const em = this.em.fork();
    const key = await em.findOne(ApiKey, { tenantId, id });
    if (!key) throw new NotFoundError('api_key', id);
    const now = new Date();
    if (!key.revokedAt) {
      key.revokedAt = now;
      await em.flush();
    }
    const seen = new Set([id]);
    for (let level = [id]; level.length; ) {
      const children = await em.find(ApiKey, { tenantId, parentKeyId: { $in: level } }, { fields: ['id'] });
      level = children.map((c) => c.id).filter((c) => !seen.has(c));
      level.forEach((c) => seen.add(c));
      if (level.length) await em.nativeUpdate(ApiKey, { tenantId, id: { $in: level }, revokedAt: null }, { revokedAt: now });
    }
    return key;
  }

  /** When a key stops working: its own expiry, or (keys from before expiry was required) creation + the maximum. */
  private expiryOf(row: ApiKey): Date {
    return row.expiresAt ?? new Date(row.createdAt.getTime() + this.rt.config.API_KEY_MAX_TTL_DAYS * DAY_MS);
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
    if (this.expiryOf(row).getTime() <= Date.now()) throw new UnauthorizedError('api_key_expired', 'The API key has expired');
    // Revocation cascades when it happens; this also covers a child created while its parent was being revoked.
    let parentId = row.parentKeyId;
    for (let depth = 0; parentId; depth++) {
      const parent = depth < MAX_KEY_CHAIN ? await em.findOne(ApiKey, { tenantId: row.tenantId, id: parentId }) : null;
      if (!parent || parent.revokedAt) throw new UnauthorizedError('api_key_revoked', 'The API key has been revoked');
      if (this.expiryOf(parent).getTime() <= Date.now()) throw new UnauthorizedError('api_key_expired', 'The API key has expired');
      parentId = parent.parentKeyId;
    }

    const owner = await em.findOne(User, { tenantId: row.tenantId, id: row.userId, deletedAt: null });
    const tenant = await em.findOne(Tenant, { id: row.tenantId });
    if (tenant?.status === 'suspended') throw tenantRefused(tenant);
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
      keyScopes: new Set([...scopes].filter((s) => KEY_SCOPE_CODES.has(s))),
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
