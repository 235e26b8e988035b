/** Login, refresh-token rotation with reuse detection, logout, password change, sessions. */
import { randomBytes } from 'node:crypto';
import { countRateLimitRefusal } from '../../common/metrics';
import type { Runtime } from '../runtime';
import type { Actor } from '../../common/actor';
import { ForbiddenError, NotFoundError, TooManyRequestsError, UnauthorizedError, ValidationError, type FieldError } from '../../common/errors';
import type { Page } from '../../common/pagination';
import { newId } from '../../common/ids';
import { Tenant, User, type LoginLog } from '../../db/entities';
import { tenantRefused } from './tenant-refusal';
import { toUserView } from '../user/schema';
import type { ChangePasswordBody, LoginBody, LogoutBody, LoginLogQuery, MeView, RefreshBody, TokenPair } from './schema';
import { hashPassword, needsRehash, passwordProblems, verifyPassword } from './password';
import { RefreshTokenStore, type ClientMeta, type IssuedRefreshToken } from './refresh-tokens';
import { LoginLogStore, type LoginReason } from './login-log';
import type { LoginSubject } from './login-guard';
import type { IssuedAccessToken } from './tokens';
import { AccessRevocation, type RevocationMarker } from './access-revocation';

export { authKeys } from './access-revocation';

const pairOf = (user: User, access: IssuedAccessToken, refresh: IssuedRefreshToken): TokenPair => ({
  accessToken: access.token,
  accessTokenExpiresAt: access.expiresAt.toISOString(),
  refreshToken: refresh.token,
  refreshTokenExpiresAt: refresh.expiresAt.toISOString(),
  tokenType: 'Bearer',
  user: toUserView(user),
});

export class AuthService {
  private readonly refreshTokens: RefreshTokenStore;
  private readonly loginLog: LoginLogStore;
  private readonly revocation: AccessRevocation;
  /** Hash of a random password at the configured cost, verified against when there is no user. */
  private dummyHash?: Promise<string>;

  constructor(private readonly rt: Runtime) {
    this.revocation = new AccessRevocation(rt);
    this.refreshTokens = new RefreshTokenStore(rt, (familyId) => this.revocation.denyFamily(familyId));
    this.loginLog = new LoginLogStore(rt);
  }

  private get em() {
    return this.rt.orm.em;
  }

  /**
   * Turn a bearer token into an Actor: signature and claims, then the denylist, then the user
   * and tenant must still be active. Permissions come from the (cached) permission service.
   */
  async authenticateAccessToken(token: string): Promise<Actor> {
    const claims = await this.rt.tokens.verify(token);
    const refusal = await this.revocation.refusal(claims);
    if (refusal === 'logged_out') throw new UnauthorizedError('token_revoked', 'This session has been logged out');
    if (refusal === 'revoked') throw new UnauthorizedError('token_revoked', 'This session has been revoked');
    const user = await this.em.findOne(User, { id: claims.sub, tenantId: claims.tid, deletedAt: null });
    if (!user || user.status !== 'active') throw new UnauthorizedError('account_disabled', 'The account is disabled or deleted');
    const tenant = await this.em.findOne(Tenant, { id: claims.tid });
    if (!tenant || tenant.status !== 'active') throw tenantRefused(tenant);
    const permissions = await this.rt.services.permissions.effectivePermissions(user.tenantId, user.id);
    return {
      tenantId: user.tenantId,
      userId: user.id,
      via: 'access_token',
      permissions: new Set(permissions),
      jti: claims.jti,
      tokenExpiresAt: new Date(claims.exp * 1000),
      ...(claims.fid ? { sessionId: claims.fid } : {}),
    };
  }

  /**
   * Refuse every access token issued to this user until now (used by disable and password
   * reset). Returns the revocation marker (see access-revocation.ts).
   */
  async revokeAccessTokensOf(userId: string): Promise<string> {
    return this.revocation.revokeAllOf(userId);
  }

  /**
   * End every session of a user: all refresh-token families and all access tokens issued so
   * far. Used when a user is disabled or an admin resets their password. Idempotent.
   */
  async revokeAllSessions(tenantId: string, userId: string): Promise<void> {
    await this.refreshTokens.revokeAllOf(tenantId, userId, 'sessions_revoked');
    await this.revokeAccessTokensOf(userId);
  }

  /** End one session: its refresh tokens, and its access tokens through the family denylist. */
  async revokeSession(tenantId: string, sessionId: string): Promise<void> {
    await this.refreshTokens.revokeFamily(tenantId, sessionId, 'session_revoked');
  }

  // ---- login ----------------------------------------------------------------------------

  /**
   * Password login. Order matters: the lock is checked before the password (a locked account
   * is not even tried), and unknown tenants/users still cost one scrypt verify, so response
   * time does not tell which accounts exist. Every attempt is logged.
   */
  async login(input: LoginBody, meta: ClientMeta): Promise<TokenPair> {
    const attempt = { tenantCode: input.tenantCode, identifier: input.identifier, ip: meta.ip ?? null, userAgent: meta.userAgent ?? null };
    const em = this.em.fork();
    const tenant = await em.findOne(Tenant, { code: input.tenantCode });
    const identifier = input.identifier.toLowerCase();
    const user = tenant
      ? await em.findOne(User, { tenantId: tenant.id, deletedAt: null, ...(identifier.includes('@') ? { email: identifier } : { username: identifier }) })
      : null;
    // Keyed by the account the identifier resolves to: its username and email share one counter.
    const subject: LoginSubject = { tenantCode: input.tenantCode, identifier: input.identifier, ip: meta.ip ?? 'unknown', userId: user?.id ?? null };
    // Read before the password check: a revocation landing after this point must win.
    const observed = user ? await this.revocation.observe(user.id) : null;
    const log = (reason: LoginReason) => this.loginLog.record({ ...attempt, tenantId: tenant?.id ?? null, userId: user?.id ?? null, reason });

    const guard = this.rt.services.loginGuard;
    const retryAfter = await guard.lockedFor(subject);
    if (retryAfter > 0) {
      await log('locked');
      countRateLimitRefusal(this.rt.metrics, 'login_lockout');
      throw new TooManyRequestsError('login_locked', 'Too many failed logins; try again later', retryAfter);
    }

    const storedHash = user?.passwordHash ?? null;
    const passwordOk = await verifyPassword(input.password, storedHash ?? (await this.dummy()));
    if (!tenant || !user || !storedHash || !passwordOk) {
      await guard.recordFailure(subject);
      await log(tenant ? 'bad_credentials' : 'unknown_tenant');
      // One answer for unknown tenant, unknown user and wrong password: nothing to enumerate.
      throw new UnauthorizedError('invalid_credentials', 'The tenant, user name or password is wrong');
    }
    // Only someone who knows the password learns that the account or tenant is disabled.
    if (tenant.status !== 'active') {
      await log('tenant_disabled');
      throw tenant.status === 'suspended' ? new ForbiddenError('tenant_suspended', 'The tenant is suspended by the platform') : new ForbiddenError('tenant_disabled', 'The tenant is disabled');
    }
    if (user.status !== 'active') {
      await log('disabled');
      throw new ForbiddenError('account_disabled', 'The account is disabled');
    }

    await guard.recordSuccess(subject);
    const logN = this.rt.config.SCRYPT_LOG_N;
    if (needsRehash(storedHash, logN)) user.passwordHash = await hashPassword(input.password, logN);
    user.lastLoginAt = new Date();
    await em.flush();
    const pair = await this.issuePair(user, meta, observed);
    await log('ok');
    return pair;
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= hashPassword(randomBytes(18).toString('base64url'), this.rt.config.SCRYPT_LOG_N);
    return this.dummyHash;
  }

  /**
   * Mint an access token. `observed` is the user's revocation marker as read before the
   * credentials were checked; the token survives a marker covering its second only if that
   * marker is still the current one.
   */
  private async mintAccess(user: User, observed: RevocationMarker, familyId: string): Promise<IssuedAccessToken> {
    const issued = await this.rt.tokens.issue(user, { familyId });
    await this.revocation.registerFresh(user.id, issued, observed);
    return issued;
  }

  /** A new access token and a new refresh-token family. */
  private async issuePair(user: User, meta: ClientMeta, observed: RevocationMarker): Promise<TokenPair> {
    const familyId = newId();
    const access = await this.mintAccess(user, observed, familyId);
    const refresh = await this.refreshTokens.issue(this.em.fork(), { tenantId: user.tenantId, userId: user.id }, meta, { familyId, parentId: null });
    return pairOf(user, access, refresh);
  }

  // ---- refresh, logout --------------------------------------------------------------------

  /** Exchange a refresh token for a new pair; the presented token is used up (rotation). */
  async refresh(input: RefreshBody, meta: ClientMeta): Promise<TokenPair> {
    const { next, checked } = await this.refreshTokens.rotate(input.refreshToken, meta, async (row) => {
      // Before the rotation: a revocation that revokes this family after this read also wins.
      const observed = await this.revocation.observe(row.userId);
      const em = this.em.fork();
      const user = await em.findOne(User, { tenantId: row.tenantId, id: row.userId, deletedAt: null });
      if (!user || user.status !== 'active') throw new UnauthorizedError('account_disabled', 'The account is disabled or deleted');
      const tenant = await em.findOne(Tenant, { id: row.tenantId });
      if (!tenant || tenant.status !== 'active') throw tenantRefused(tenant);
      return { user, observed };
    });
    return pairOf(checked.user, await this.mintAccess(checked.user, checked.observed, next.familyId), next);
  }

  /**
   * End the caller's session: the access token's id goes on the denylist until it would have
   * expired, and the refresh token's family (if given, and the caller's own) is revoked.
   */
  async logout(actor: Actor, input: LogoutBody): Promise<void> {
    if (actor.jti && actor.tokenExpiresAt) await this.revocation.deny(actor.jti, actor.tokenExpiresAt);
    if (input?.refreshToken) {
      const row = await this.refreshTokens.find(input.refreshToken);
      // Someone else's token is ignored without a word: logout must not become an oracle.
      if (row && row.tenantId === actor.tenantId && row.userId === actor.userId) {
        await this.refreshTokens.revokeFamily(row.tenantId, row.familyId, 'logout');
      }
    }
  }

  // ---- me -------------------------------------------------------------------------------------

  /** The caller's profile, tenant, roles and the permissions this session actually has. */
  async me(actor: Actor): Promise<MeView> {
    const user = await this.em.findOne(User, { tenantId: actor.tenantId, id: actor.userId, deletedAt: null });
    const tenant = await this.em.findOne(Tenant, { id: actor.tenantId });
    if (!user || !tenant) throw new NotFoundError('user', actor.userId);
    const roles = await this.rt.services.permissions.rolesOf(actor.tenantId, actor.userId);
    return {
      user: toUserView(user),
      tenant: { id: tenant.id, code: tenant.code, name: tenant.name },
      roles: roles.map((r) => r.code),
      permissions: [...actor.permissions].sort(),
      via: actor.via,
    };
  }

  /**
   * Change one's own password. Needs the current one (a stolen access token alone is not
   * enough, and wrong guesses count toward the login lock). All other sessions end; the
   * caller gets a fresh pair.
   */
  async changePassword(actor: Actor, input: ChangePasswordBody, meta: ClientMeta): Promise<TokenPair> {
    if (actor.via !== 'access_token') throw new ForbiddenError('session_required', 'Passwords can be changed only from a signed-in session');
    const em = this.em.fork();
    const user = await em.findOne(User, { tenantId: actor.tenantId, id: actor.userId, deletedAt: null });
    const tenant = await em.findOne(Tenant, { id: actor.tenantId });
    if (!user || !tenant) throw new NotFoundError('user', actor.userId);

    const guard = this.rt.services.loginGuard;
    const subject: LoginSubject = { tenantCode: tenant.code, identifier: user.username, ip: meta.ip ?? 'unknown', userId: user.id };
    const retryAfter = await guard.lockedFor(subject);
    if (retryAfter > 0) {
      countRateLimitRefusal(this.rt.metrics, 'password_lockout');
      throw new TooManyRequestsError('login_locked', 'Too many failed password attempts; try again later', retryAfter);
    }

    const { passwordPolicy } = await this.rt.services.tenantParameters.get(actor.tenantId);
    const problems: FieldError[] = passwordProblems(input.newPassword, passwordPolicy).map((message) => ({ path: 'body.newPassword', message, code: 'weak_password' }));
    if (input.newPassword === input.currentPassword) {
      problems.push({ path: 'body.newPassword', message: 'must differ from the current password', code: 'same_password' });
    }
    if (!(await verifyPassword(input.currentPassword, user.passwordHash ?? (await this.dummy())))) {
      await guard.recordFailure(subject);
      throw new ValidationError('The current password is wrong', [{ path: 'body.currentPassword', message: 'is wrong', code: 'wrong_password' }], 'wrong_password');
    }
    if (problems.length) throw new ValidationError('The new password is not acceptable', problems);

    const newHash = await hashPassword(input.newPassword, this.rt.config.SCRYPT_LOG_N);
    await em.transactional(async (tx) => {
      const row = await tx.findOneOrFail(User, { tenantId: actor.tenantId, id: actor.userId });
      row.passwordHash = newHash;
      row.passwordChangedAt = new Date();
      await this.refreshTokens.revokeAllOf(actor.tenantId, actor.userId, 'password_changed', tx);
    });
    // Old tokens end here; the fresh pair is minted against this very revocation's marker.
    const marker = await this.revokeAccessTokensOf(user.id);
    return this.issuePair(user, meta, marker);
  }

  // ---- login log ---------------------------------------------------------------------------

  listLoginLogs(actor: Actor, q: LoginLogQuery): Promise<Page<LoginLog>> {
    return this.loginLog.list(actor, q);
  }
}

