/**
 * The client address (issue 8, item 9). With TRUST_PROXY off (the default) a client cannot
 * choose its address by sending X-Forwarded-For: the activation limit still counts it, and the
 * login log and audit log keep the socket's address. Behind a trusted proxy only the last
 * TRUST_PROXY_HOPS entries count, so a client cannot prepend an address of its choosing.
 */
import { randomBytes } from 'node:crypto';
import { AuditLog, LoginLog } from '../../db/entities';
import { tenantWithTokens, uniqueCode, useSuite, type TenantWithTokens } from '../harness/harness';

const ACTIVATE = '/api/v1/onboarding/activate';
const bogusToken = () => randomBytes(24).toString('hex');

describe('X-Forwarded-For without a trusted proxy (the default)', () => {
  const suite = useSuite({ ACTIVATION_MAX_PER_IP: '2', REDIS_KEY_PREFIX: `sec-proxy:${uniqueCode()}:` });
  let t: TenantWithTokens;
  beforeAll(async () => {
    t = await tenantWithTokens(suite.rt);
  });

  it('a new X-Forwarded-For per attempt does not reset the activation limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await suite.api.request('POST', ACTIVATE, { body: { token: bogusToken(), password: 'Whatever-pass-42' }, headers: { 'x-forwarded-for': `198.51.100.${i + 1}` } });
      statuses.push(res.status);
      if (res.status === 429) expect(res.body.code).toBe('rate_limited');
    }
    expect(statuses).toEqual([404, 404, 429, 429]);
  });

  it('the login log and the audit log keep the socket address, not the claimed one', async () => {
    const identifier = `nobody-${uniqueCode()}`;
    const res = await suite.api.request('POST', '/api/v1/auth/login', {
      body: { tenantCode: t.tenantCode, identifier, password: 'wrong-password-1' },
      headers: { 'x-forwarded-for': '203.0.113.66' },
    });
    expect(res.status).toBe(401);
    const logged = await suite.rt.orm.em.fork().find(LoginLog, { tenantCode: t.tenantCode, identifier });
    expect(logged.map((l) => l.ip)).toEqual(['127.0.0.1']);

    const created = await suite.api.request('POST', '/api/v1/todos', { body: { title: 'spoofed' }, token: t.tokens.alice, headers: { 'x-forwarded-for': '203.0.113.67' } });
    expect(created.status).toBe(201);
    await suite.rt.services.audit.flush();
    const audited = await suite.rt.orm.em.fork().find(AuditLog, { tenantId: t.tenantId, userId: t.users.alice.id, targetId: null });
    expect(audited.map((a) => a.ip)).toContain('127.0.0.1');
    expect(audited.map((a) => a.ip)).not.toContain('203.0.113.67');
  });
});

describe('X-Forwarded-For behind one trusted proxy', () => {
  const suite = useSuite({ TRUST_PROXY: 'true', TRUST_PROXY_HOPS: '1', REDIS_KEY_PREFIX: `sec-proxy:${uniqueCode()}:` });
  let t: TenantWithTokens;
  beforeAll(async () => {
    t = await tenantWithTokens(suite.rt);
  });

  it('takes the address the proxy appended, not one the client prepended', async () => {
    const identifier = `nobody-${uniqueCode()}`;
    for (const xff of ['198.51.100.7', '6.6.6.6, 198.51.100.8']) {
      const res = await suite.api.request('POST', '/api/v1/auth/login', {
        body: { tenantCode: t.tenantCode, identifier, password: 'wrong-password-1' },
        headers: { 'x-forwarded-for': xff },
      });
      expect(res.status).toBe(401);
    }
    const logged = await suite.rt.orm.em.fork().find(LoginLog, { tenantCode: t.tenantCode, identifier }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    expect(logged.map((l) => l.ip).sort()).toEqual(['198.51.100.7', '198.51.100.8']);
  });
});
