/**
 * Refresh tokens: opaque random strings, stored only as SHA-256. The tokens of one login form a
 * family; every use rotates the token, and presenting a rotated one again means it leaked, so
 * the whole family dies. The rotation is a conditional UPDATE, so two concurrent refreshes of
 * the same token cannot both produce a child.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/knex';
import type { Runtime } from '../runtime';
import { UnauthorizedError } from '../../common/errors';
import { newId } from '../../common/ids';
import { RefreshToken } from '../../db/entities';

export interface ClientMeta {
  ip?: string | null;
  userAgent?: string | null;
}

export interface IssuedRefreshToken {
  token: string;
  expiresAt: Date;
  familyId: string;
}

/** Why a family was revoked; stored in `revokeReason`. */
export type RevokeReason = 'reuse_detected' | 'logout' | 'password_changed' | 'sessions_revoked' | 'session_revoked';

export const hashRefreshToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

const clip = (s: string | null | undefined, max: number) => (s ? s.slice(0, max) : null);

export class RefreshTokenStore {
  constructor(
    private readonly rt: Runtime,
    /** Called whenever a family is revoked (even again), so its access tokens end with it. */
    private readonly onFamilyRevoked: (familyId: string) => Promise<void> = async () => {},
  ) {}

  /**
   * Insert a new token row in `em` (a transaction, or a fork). Without a parent a new family
   * starts (a login; its id may be chosen by the caller, who needs it for the access token);
   * with one the token continues a family (a rotation).
   */
  async issue(
    em: EntityManager,
    owner: { tenantId: string; userId: string },
    meta: ClientMeta,
    chain: { familyId: string; parentId: string | null } | null = null,
  ): Promise<IssuedRefreshToken> {
    // 32 random bytes: unguessable, so a plain (indexed) hash lookup is safe; no salt needed.
    const token = randomBytes(32).toString('base64url');
    // The tenant's session lifetime (parameter `sessionLifetimeSeconds`, default REFRESH_TOKEN_TTL_SECONDS);
    // every rotation starts it again, so a session ends after that long unused.
    const { sessionLifetimeSeconds } = await this.rt.services.tenantParameters.get(owner.tenantId);
    const expiresAt = new Date(Date.now() + sessionLifetimeSeconds * 1000);
    const familyId = chain?.familyId ?? newId();
    em.create(RefreshToken, {
      id: newId(),
      tenantId: owner.tenantId,
      userId: owner.userId,
      familyId,
      tokenHash: hashRefreshToken(token),
      parentId: chain?.parentId ?? null,
      expiresAt,
      ip: clip(meta.ip, 64),
      userAgent: clip(meta.userAgent, 500),
    });
    await em.flush();
    return { token, expiresAt, familyId };
  }

  /** The row of a presented token, whatever its state (null when unknown). */
  async find(token: string): Promise<RefreshToken | null> {
    return this.rt.orm.em.fork().findOne(RefreshToken, { tokenHash: hashRefreshToken(token) });
  }

  /**
   * Validate `token` and replace it with a child in the same family, in one transaction.
   * Throws 401 with `refresh_token_invalid`, `refresh_token_reused` or `refresh_token_expired`.
   * `beforeRotate` runs after the token checks and before anything is written (the caller
   * checks there that the user and tenant are still active); its result is passed back.
   */
  async rotate<T>(
    token: string,
    meta: ClientMeta,
    beforeRotate: (row: RefreshToken) => Promise<T>,
  ): Promise<{ row: RefreshToken; next: IssuedRefreshToken; checked: T }> {
    const row = await this.find(token);
    if (!row) throw new UnauthorizedError('refresh_token_invalid', 'The refresh token is not valid');
    if (row.rotatedAt || row.revokedAt) {
      // A rotated token has been replaced already: whoever presents it again holds a copy
      // (stolen, or replayed). We cannot tell the thief from the owner, so the family dies.
      await this.revokeFamily(row.tenantId, row.familyId, 'reuse_detected');
      this.rt.log.warn({ tenantId: row.tenantId, userId: row.userId, familyId: row.familyId }, 'refresh token reuse detected');
      throw new UnauthorizedError('refresh_token_reused', 'The refresh token was already used; the session has been revoked');
    }
    if (row.expiresAt.getTime() <= Date.now()) throw new UnauthorizedError('refresh_token_expired', 'The refresh token has expired');
    const checked = await beforeRotate(row);

    const next = await this.rt.orm.em.fork().transactional(async (tx) => {
      // Conditional on "still current": of two concurrent refreshes exactly one updates the row.
      const won = await tx.nativeUpdate(
        RefreshToken,
        { id: row.id, tenantId: row.tenantId, rotatedAt: null, revokedAt: null },
        { rotatedAt: new Date() },
      );
      if (won !== 1) {
        // The token was valid when we read it and another request rotated (or revoked) it in
        // the meantime: a double submit. Refuse it (one child per token), but keep the family:
        // the winner's new token stays usable, and any later replay is caught as reuse above.
        throw new UnauthorizedError('refresh_token_reused', 'The refresh token was already used');
      }
      return this.issue(tx, row, meta, { familyId: row.familyId, parentId: row.id });
    });
    return { row, next, checked };
  }

  /** Revoke every live token of a family. Idempotent; returns the number of rows revoked. */
  async revokeFamily(tenantId: string, familyId: string, reason: RevokeReason): Promise<number> {
    const revoked = await this.rt.orm.em
      .fork()
      .nativeUpdate(RefreshToken, { tenantId, familyId, revokedAt: null }, { revokedAt: new Date(), revokeReason: reason });
    await this.onFamilyRevoked(familyId);
    return revoked;
  }

  /** Revoke every live token of a user (all families). Idempotent. */
  async revokeAllOf(tenantId: string, userId: string, reason: RevokeReason, em: EntityManager = this.rt.orm.em.fork()): Promise<number> {
    return em.nativeUpdate(RefreshToken, { tenantId, userId, revokedAt: null }, { revokedAt: new Date(), revokeReason: reason });
  }
}
