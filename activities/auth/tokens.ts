/**
 * Access tokens: short-lived EdDSA JWTs. The algorithm is pinned on verification, and
 * iss/aud/exp/jti/kid are required, so a token from elsewhere (or `alg: none`) never passes.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, importPKCS8, importSPKI, jwtVerify, errors as joseErrors, type CryptoKey } from 'jose';
import { UnauthorizedError } from '../../common/errors';
import type { SigningKeys } from './keys';

export const JWT_ALG = 'EdDSA';

export interface AccessClaims {
  /** user id */
  sub: string;
  /** tenant id */
  tid: string;
  jti: string;
  iat: number;
  exp: number;
  /**
   * Refresh-token family the token was minted with (login and refresh). When the family is
   * revoked (reuse detected, logout) its access tokens are refused too. Absent on tokens made
   * outside a session (codec cookie, tests).
   */
  fid?: string;
}

export interface IssuedAccessToken {
  token: string;
  jti: string;
  expiresAt: Date;
}

export class TokenSigner {
  private constructor(
    private readonly privateKey: CryptoKey,
    private readonly publicKey: CryptoKey,
    private readonly kid: string,
    private readonly issuer: string,
    private readonly audience: string,
    private readonly ttlSeconds: number,
  ) {}

  static async create(keys: SigningKeys, opts: { issuer: string; audience: string; ttlSeconds: number }) {
    const [priv, pub] = await Promise.all([importPKCS8(keys.privateKeyPem, JWT_ALG), importSPKI(keys.publicKeyPem, JWT_ALG)]);
    return new TokenSigner(priv, pub, keys.kid, opts.issuer, opts.audience, opts.ttlSeconds);
  }

  async issue(user: { id: string; tenantId: string }, opts: { familyId?: string } = {}): Promise<IssuedAccessToken> {
    const jti = randomUUID();
    const now = Math.floor(Date.now() / 1000);
    const exp = now + this.ttlSeconds;
    const token = await new SignJWT({ tid: user.tenantId, ...(opts.familyId ? { fid: opts.familyId } : {}) })
      .setProtectedHeader({ alg: JWT_ALG, kid: this.kid, typ: 'at+jwt' })
      .setSubject(user.id)
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .setJti(jti)
      .sign(this.privateKey);
    return { token, jti, expiresAt: new Date(exp * 1000) };
  }

  /** Verify signature and claims; throws UnauthorizedError with a stable code. */
  async verify(token: string): Promise<AccessClaims> {
    try {
      const { payload, protectedHeader } = await jwtVerify(token, this.publicKey, {
        algorithms: [JWT_ALG],
        issuer: this.issuer,
        audience: this.audience,
        typ: 'at+jwt',
        requiredClaims: ['exp', 'iat', 'jti', 'sub', 'tid'],
      });
      if (protectedHeader.kid !== this.kid) throw new UnauthorizedError('token_invalid', 'Unknown signing key');
      return payload as unknown as AccessClaims;
    } catch (err) {
      if (err instanceof UnauthorizedError) throw err;
      if (err instanceof joseErrors.JWTExpired) throw new UnauthorizedError('token_expired', 'The access token has expired');
      throw new UnauthorizedError('token_invalid', 'The access token is not valid');
    }
  }
}
