/**
 * Ending access tokens before they expire. Access tokens are stateless JWTs, so revocation is
 * a Redis lookaside: a denylist of single token ids (logout) and, per user, a "revoked before"
 * marker (disable, password reset or change) that refuses every token issued up to that second.
 *
 * `iat` has one-second resolution, so the marker must also cover the current second, which
 * would refuse a token minted right after the revocation (a login with the new password, the
 * fresh pair of a password change). Tokens we mint ourselves therefore register as "fresh"
 * when the marker they observed *before* checking credentials is still the current one: then
 * no revocation happened while they were being issued, and they are let through.
 */
import { randomBytes } from 'node:crypto';
import type { Runtime } from '../runtime';
import type { AccessClaims, IssuedAccessToken } from './tokens';

/** Redis keys of the session denylists. */
export const authKeys = {
  /** A logged-out access token id, kept until the token would have expired anyway. */
  deniedJti: (jti: string) => `auth:deny:${jti}`,
  /**
   * Access tokens of this user issued at or before this unix second are refused. Value:
   * `<unix second>:<nonce>`; the nonce tells one revocation from the next in the same second.
   */
  revokedBefore: (userId: string) => `auth:revoked-before:${userId}`,
  /** A revoked refresh-token family: access tokens carrying it (`fid`) are refused. */
  deniedFamily: (familyId: string) => `auth:deny-family:${familyId}`,
  /** Token ids minted after the revocation `nonce` although within its second. */
  freshAfter: (userId: string, nonce: string) => `auth:fresh:${userId}:${nonce}`,
};

/** A `revokedBefore` value as read at some moment, or null when there was none. */
export type RevocationMarker = string | null;

const parse = (marker: string) => {
  const [before, nonce = ''] = marker.split(':');
  return { before: Number(before), nonce };
};

/** Add the jti to the fresh set only if the marker is still the one the caller observed. */
const REGISTER_FRESH = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SADD', KEYS[2], ARGV[2])
  redis.call('EXPIRE', KEYS[2], ARGV[3])
  return 1
end
return 0
`;

export class AccessRevocation {
  constructor(private readonly rt: Runtime) {}

  private get ttl() {
    // Every token covered by a marker has expired by `before + TTL`; a few seconds of slack.
    return this.rt.config.ACCESS_TOKEN_TTL_SECONDS + 5;
  }

  /** The reason a token is no longer accepted, or null when it still is. */
  async refusal(claims: AccessClaims): Promise<'logged_out' | 'revoked' | null> {
    const keys = [authKeys.deniedJti(claims.jti), authKeys.revokedBefore(claims.sub), ...(claims.fid ? [authKeys.deniedFamily(claims.fid)] : [])];
    const [denied, marker, familyDenied] = await this.rt.redis.mget(...keys);
    if (denied) return 'logged_out';
    if (familyDenied) return 'revoked';
    if (!marker) return null;
    const { before, nonce } = parse(marker);
    if (claims.iat > before) return null;
    // Only tokens from the revocation's own second can be fresh; older ones are simply revoked.
    if (claims.iat >= before - 1 && (await this.rt.redis.sismember(authKeys.freshAfter(claims.sub, nonce), claims.jti))) return null;
    return 'revoked';
  }

  /** Refuse one token (logout) until it would have expired anyway. */
  async deny(jti: string, expiresAt: Date): Promise<void> {
    const ttl = Math.ceil((expiresAt.getTime() - Date.now()) / 1000);
    if (ttl > 0) await this.rt.redis.set(authKeys.deniedJti(jti), '1', 'EX', ttl);
  }

  /**
   * Refuse every access token of a refresh-token family (reuse detected, logout), until the
   * newest of them would have expired anyway: no token of the family is minted after this.
   */
  async denyFamily(familyId: string): Promise<void> {
    await this.rt.redis.set(authKeys.deniedFamily(familyId), '1', 'EX', this.ttl);
  }

  /** Refuse every token issued to the user until now. Returns the marker it set. */
  async revokeAllOf(userId: string): Promise<string> {
    // A token issued in this same second would slip through `iat <= now`; +1 closes that gap.
    const before = Math.floor(Date.now() / 1000) + 1;
    const marker = `${before}:${randomBytes(8).toString('hex')}`;
    await this.rt.redis.set(authKeys.revokedBefore(userId), marker, 'EX', this.ttl);
    return marker;
  }

  /** The user's current marker; read it before checking credentials, pass it to `registerFresh`. */
  async observe(userId: string): Promise<RevocationMarker> {
    return this.rt.redis.get(authKeys.revokedBefore(userId));
  }

  /**
   * Let a token we just minted through a marker that covers its second, provided no newer
   * revocation happened since `observed` was read. Otherwise the token stays refused, which
   * errs on the safe side.
   */
  async registerFresh(userId: string, issued: IssuedAccessToken, observed: RevocationMarker): Promise<void> {
    // No marker seen: nothing to get through (and one set meanwhile must win). Markers are rare,
    // so registering without first checking whether the token's second is covered is cheap.
    if (observed === null) return;
    const { nonce } = parse(observed);
    await this.rt.redis.eval(REGISTER_FRESH, 2, authKeys.revokedBefore(userId), authKeys.freshAfter(userId, nonce), observed, issued.jti, this.ttl);
  }
}
