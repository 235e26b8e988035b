/**
 * Sessions, as the people who own them see them: one per sign-in (a refresh-token family whose
 * current token is live), with the device it came from and when it was last used. A user ends
 * one of theirs or all the others; an admin who may manage a user ends theirs (a lost laptop).
 * Ending a session revokes its refresh tokens and, through the family denylist, its access
 * tokens at once (activities/auth/access-revocation.ts).
 */
import type { Runtime } from '../runtime';
import type { Actor } from '../../common/actor';
import { NotFoundError } from '../../common/errors';
import { offsetOf, pageOf, type Page } from '../../common/pagination';
import { RefreshToken } from '../../db/entities';
import { assertMayActOnUser } from '../permission/privilege';
import type { RevokedSessions, SessionQuery, SessionView } from './schema';

export class SessionService {
  constructor(private readonly rt: Runtime) {}

  private get em() {
    return this.rt.orm.em.fork();
  }

  /** A family has at most one token neither rotated nor revoked: the one the session holds now. */
  private liveTokens(tenantId: string, userId: string) {
    return { tenantId, userId, rotatedAt: null, revokedAt: null, expiresAt: { $gt: new Date() } };
  }

  private async list(tenantId: string, userId: string, q: SessionQuery, currentId: string | undefined): Promise<Page<SessionView>> {
    const em = this.em;
    const [rows, total] = await em.findAndCount(RefreshToken, this.liveTokens(tenantId, userId), {
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      ...offsetOf(q),
    });
    // The first token of a family (no parent) says when the user signed in.
    const roots = rows.length
      ? await em.find(RefreshToken, { tenantId, familyId: { $in: rows.map((r) => r.familyId) }, parentId: null }, { fields: ['familyId', 'createdAt'] })
      : [];
    const signedIn = new Map(roots.map((r) => [r.familyId, r.createdAt]));
    const items = rows.map((r) => ({
      sessionId: r.familyId,
      current: r.familyId === currentId,
      signedInAt: (signedIn.get(r.familyId) ?? r.createdAt).toISOString(),
      lastUsedAt: r.createdAt.toISOString(),
      expiresAt: r.expiresAt.toISOString(),
      ip: r.ip,
      userAgent: r.userAgent,
    }));
    return pageOf(items, total, q);
  }

  private async revokeOne(tenantId: string, userId: string, sessionId: string): Promise<void> {
    const live = await this.em.count(RefreshToken, { ...this.liveTokens(tenantId, userId), familyId: sessionId });
    if (!live) throw new NotFoundError('session', sessionId);
    await this.rt.services.auth.revokeSession(tenantId, sessionId);
  }

  // ─────────────────────────────────────────── my sessions

  mine(actor: Actor, q: SessionQuery): Promise<Page<SessionView>> {
    return this.list(actor.tenantId, actor.userId, q, actor.sessionId);
  }

  /** End one of my sessions (the current one too: that is a sign-out). 404 for anyone else's. */
  revokeMine(actor: Actor, sessionId: string): Promise<void> {
    return this.revokeOne(actor.tenantId, actor.userId, sessionId);
  }

  /** End every session of mine but the one making the request. */
  async revokeMyOthers(actor: Actor): Promise<RevokedSessions> {
    const others = await this.em.find(RefreshToken, this.liveTokens(actor.tenantId, actor.userId), { fields: ['familyId'] });
    const ids = [...new Set(others.map((r) => r.familyId))].filter((id) => id !== actor.sessionId);
    for (const id of ids) await this.rt.services.auth.revokeSession(actor.tenantId, id);
    return { revoked: ids.length };
  }

  // ─────────────────────────────────────────── a user's sessions (admins)

  /** Within the admin's data scope; outside it the user is "not found". */
  async ofUser(actor: Actor, userId: string, q: SessionQuery): Promise<Page<SessionView>> {
    await this.rt.services.users.getVisible(actor, userId);
    return this.list(actor.tenantId, userId, q, actor.userId === userId ? actor.sessionId : undefined);
  }

  /** Ending someone's session is acting on them: not on a user who outranks the admin. */
  async revokeOfUser(actor: Actor, userId: string, sessionId: string): Promise<void> {
    await this.rt.services.users.getVisible(actor, userId);
    await assertMayActOnUser(this.rt, actor, userId);
    await this.revokeOne(actor.tenantId, userId, sessionId);
  }

  /** Every session of the user, and every access token issued to them so far. */
  async revokeAllOfUser(actor: Actor, userId: string): Promise<RevokedSessions> {
    await this.rt.services.users.getVisible(actor, userId);
    await assertMayActOnUser(this.rt, actor, userId);
    const live = await this.em.find(RefreshToken, this.liveTokens(actor.tenantId, userId), { fields: ['familyId'] });
    await this.rt.services.auth.revokeAllSessions(actor.tenantId, userId);
    return { revoked: new Set(live.map((r) => r.familyId)).size };
  }
}
