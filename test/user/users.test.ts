import { Department, Package, User, UserRole } from '../../db/entities';
import { putOnPackage } from '../package/helpers';
import { verifyPassword } from '../../activities/auth/password';
import { createRole, newUserBody } from './helpers';
import { tenantWithTokens, useSuite } from '../harness/harness';

const suite = useSuite();
const U = '/api/v1/users';
const GHOST = '00000000-0000-4000-8000-000000000000';

describe('users', () => {
  let t: Awaited<ReturnType<typeof tenantWithTokens>>;
  let admin: string;
  const login = (identifier: string, password: string) => suite.api.post('/api/v1/auth/login', { tenantCode: t.tenantCode, identifier, password });
  const userRow = (where: Record<string, unknown>) => suite.rt.orm.em.fork().findOne(User, { tenantId: t.tenantId, ...where });

  beforeAll(async () => {
    t = await tenantWithTokens(suite.rt);
    admin = t.tokens.admin;
  });

  describe('create', () => {
    it('creates a user with department, position and roles, never exposing the hash', async () => {
      const body = newUserBody({
        password: 'Initial-pass-1',
        departmentId: t.departments.finance.id,
        positionId: t.positions.engineer.id,
        phone: '+1 555 0100',
        roleIds: [t.roles.employee.id],
      });
      const res = await suite.api.post(U, body, admin);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ username: body.username, email: body.email, status: 'active', departmentId: t.departments.finance.id, phone: '+1 555 0100' });
      expect(res.body).not.toHaveProperty('passwordHash');
      expect(JSON.stringify(res.body)).not.toContain('scrypt');
      const row = await userRow({ id: res.body.id });
      expect(await verifyPassword('Initial-pass-1', row!.passwordHash)).toBe(true);
      expect(await suite.rt.orm.em.fork().count(UserRole, { userId: res.body.id })).toBe(1);
      expect((await suite.api.get(`${U}/${res.body.id}`, admin)).body).toEqual(res.body);
    });

    it('answers 409 for a duplicate username or email', async () => {
      const taken = await suite.api.post(U, newUserBody({ username: 'alice' }), admin);
      expect(taken.status).toBe(409);
      expect(taken.body.code).toBe('username_taken');
      const email = await suite.api.post(U, newUserBody({ email: 'ALICE@acme.example' }), admin);
      expect(email.status).toBe(409);
      expect(email.body.code).toBe('email_taken');
    });

    it('is never half-applied: an invalid role, department or weak password writes nothing', async () => {
      const cases = [
        { extra: { roleIds: [t.roles.employee.id, GHOST] }, path: 'body.roleIds.1' },
        { extra: { departmentId: GHOST }, path: 'body.departmentId' },
        { extra: { positionId: GHOST }, path: 'body.positionId' },
        { extra: { password: 'short' }, path: 'body.password' },
        { extra: { password: 'longbutnodigits' }, path: 'body.password' },
      ];
      for (const { extra, path } of cases) {
        const body = newUserBody(extra);
        const res = await suite.api.post(U, body, admin);
        expect(res.status).toBe(422);
        expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
        expect(await userRow({ username: body.username })).toBeNull();
      }
      expect(await suite.rt.orm.em.fork().count(UserRole, { tenantId: t.tenantId, roleId: t.roles.employee.id })).toBe(6);
    });

    it('enforces the user quota, also under concurrent creation', async () => {
      const q = await tenantWithTokens(suite.rt);
      const em = suite.rt.orm.em.fork();
      const pkg = await putOnPackage(suite.rt, q.tenantId, { maxUsers: 8 });
      expect((await suite.api.post(U, newUserBody(), q.tokens.admin)).status).toBe(201);
      expect((await suite.api.post(U, newUserBody(), q.tokens.admin)).status).toBe(201);
      const over = newUserBody();
      const res = await suite.api.post(U, over, q.tokens.admin);
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'quota_exceeded', quota: 'users', limit: 8, usage: 8 });
      expect(await em.count(User, { tenantId: q.tenantId, username: over.username })).toBe(0);

      // One free place, five requests at once: exactly one gets it.
      await em.nativeUpdate(Package, { id: pkg.id }, { maxUsers: 9 });
      const racing = await Promise.all(Array.from({ length: 5 }, () => suite.api.post(U, newUserBody(), q.tokens.admin)));
      expect(racing.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
      expect(await em.count(User, { tenantId: q.tenantId, deletedAt: null })).toBe(9);
    });
  });

  describe('update', () => {
    it('changes profile, department and position; email stays unique', async () => {
      const { body: u } = await suite.api.post(U, newUserBody(), admin);
      const res = await suite.api.patch(
        `${U}/${u.id}`,
        { displayName: 'New Name', email: 'New.Mail@Example.test', phone: '123', departmentId: t.departments.hr.id, positionId: t.positions.manager.id },
        admin,
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ displayName: 'New Name', email: 'new.mail@example.test', phone: '123', departmentId: t.departments.hr.id, positionId: t.positions.manager.id });
      expect((await suite.api.patch(`${U}/${u.id}`, { phone: null, departmentId: null }, admin)).body).toMatchObject({ phone: null, departmentId: null });

      const dup = await suite.api.patch(`${U}/${u.id}`, { email: 'carol@acme.example' }, admin);
      expect(dup.status).toBe(409);
      expect(dup.body.code).toBe('email_taken');
      const ghost = await suite.api.patch(`${U}/${u.id}`, { displayName: 'Should not stick', departmentId: GHOST }, admin);
      expect(ghost.status).toBe(422);
      expect((await suite.api.get(`${U}/${u.id}`, admin)).body).toMatchObject({ displayName: 'New Name', email: 'new.mail@example.test' });
      expect((await suite.api.patch(`${U}/${u.id}`, { username: 'renamed' }, admin)).status).toBe(422);
      expect((await suite.api.patch(`${U}/${GHOST}`, { phone: '1' }, admin)).status).toBe(404);
      expect((await suite.api.patch(`${U}/${u.id}`, { phone: '1' }, t.tokens.carol)).status).toBe(403);
    });
  });

  describe('sessions and passwords', () => {
    it('disabling a user ends their sessions at once; enabling lets them in again', async () => {
      const body = newUserBody({ password: 'Before-disable-1', roleIds: [t.roles.employee.id] });
      const { body: u } = await suite.api.post(U, body, admin);
      const session = await login(body.username, 'Before-disable-1');
      expect(session.status).toBe(200);
      const token = session.body.accessToken;
      expect((await suite.api.get('/api/v1/departments', token)).status).toBe(200);

      const disabled = await suite.api.post(`${U}/${u.id}/disable`, undefined, admin);
      expect(disabled.status).toBe(200);
      expect(disabled.body.status).toBe('disabled');
      expect((await suite.api.get('/api/v1/departments', token)).status).toBe(401);
      expect((await suite.api.post('/api/v1/auth/refresh', { refreshToken: session.body.refreshToken })).status).toBe(401);
      expect((await login(body.username, 'Before-disable-1')).status).not.toBe(200);

      const enabled = await suite.api.post(`${U}/${u.id}/enable`, undefined, admin);
      expect(enabled.body.status).toBe('active');
      expect((await login(body.username, 'Before-disable-1')).status).toBe(200);

      const self = await suite.api.post(`${U}/${t.users.admin.id}/disable`, undefined, admin);
      expect(self.status).toBe(422);
      expect(self.body.code).toBe('cannot_disable_self');
    });

    it('resets a password to a chosen one, revoking existing sessions', async () => {
      const body = newUserBody({ password: 'Old-password-1' });
      const { body: u } = await suite.api.post(U, body, admin);
      const token = (await login(body.username, 'Old-password-1')).body.accessToken;
      expect((await suite.api.get(`/api/v1/me`, token)).status).toBe(200);

      const weak = await suite.api.post(`${U}/${u.id}/reset-password`, { newPassword: 'weakweakweak' }, admin);
      expect(weak.status).toBe(422);
      expect(weak.body.errors[0]).toMatchObject({ path: 'body.newPassword', code: 'weak_password' });
      expect(await verifyPassword('Old-password-1', (await userRow({ id: u.id }))!.passwordHash)).toBe(true);

      const res = await suite.api.post(`${U}/${u.id}/reset-password`, { newPassword: 'New-password-2' }, admin);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ userId: u.id });
      expect((await suite.api.get(`/api/v1/me`, token)).status).toBe(401);
      expect((await login(body.username, 'Old-password-1')).status).toBe(401);
      expect((await login(body.username, 'New-password-2')).status).toBe(200);
      expect(await verifyPassword('New-password-2', (await userRow({ id: u.id }))!.passwordHash)).toBe(true);
    });

    it('generates a strong temporary password when none is given, returned once', async () => {
      const body = newUserBody();
      const { body: u } = await suite.api.post(U, body, admin);
      const res = await suite.api.post(`${U}/${u.id}/reset-password`, undefined, admin);
      expect(res.status).toBe(200);
      const temp = res.body.temporaryPassword as string;
      expect(temp).toMatch(/^[A-Za-z2-9]{20}$/);
      expect(temp).toMatch(/\d/);
      const row = await userRow({ id: u.id });
      expect(row!.passwordHash).not.toContain(temp);
      expect(await verifyPassword(temp, row!.passwordHash)).toBe(true);
      expect((await login(body.username, temp)).status).toBe(200);
      const again = await suite.api.post(`${U}/${u.id}/reset-password`, {}, admin);
      expect(again.body.temporaryPassword).not.toBe(temp);
      expect((await suite.api.post(`${U}/${u.id}/reset-password`, {}, t.tokens.harry)).status).toBe(403);
    });
  });

  describe('delete', () => {
    it('soft-deletes: hidden, disabled, sessions gone, no longer heading a department', async () => {
      const u = await tenantWithTokens(suite.rt); // own tenant: this test removes pete
      const pete = u.users.pete;
      const res = await suite.api.delete(`${U}/${pete.id}`, u.tokens.admin);
      expect(res.status).toBe(204);
      const row = await suite.rt.orm.em.fork().findOneOrFail(User, { id: pete.id });
      expect(row.deletedAt).toBeInstanceOf(Date);
      expect(row.status).toBe('disabled');
      expect((await suite.rt.orm.em.fork().findOneOrFail(Department, { id: u.departments.platform.id })).headUserId).toBeNull();
      expect((await suite.api.get(`${U}/${pete.id}`, u.tokens.admin)).status).toBe(404);
      expect((await suite.api.delete(`${U}/${pete.id}`, u.tokens.admin)).status).toBe(404);
      expect((await suite.api.get(`${U}?q=pete`, u.tokens.admin)).body.total).toBe(0);
      expect((await suite.api.get('/api/v1/departments', u.tokens.pete)).status).toBe(401);
      // The quota counts live users only.
      expect((await suite.api.get('/api/v1/tenant', u.tokens.admin)).body.usersCount).toBe(5);

      const self = await suite.api.delete(`${U}/${u.users.admin.id}`, u.tokens.admin);
      expect(self.status).toBe(422);
      expect(self.body.code).toBe('cannot_delete_self');
      expect((await suite.api.delete(`${U}/${u.users.alice.id}`, u.tokens.harry)).status).toBe(403);
    });
  });

  describe('search', () => {
    let dept: string;
    let sub: string;
    let reviewerRoleId: string;
    const made: Record<string, string> = {};
    beforeAll(async () => {
      dept = (await suite.api.post('/api/v1/departments', { name: 'Search dept' }, admin)).body.id;
      sub = (await suite.api.post('/api/v1/departments', { name: 'Search sub', parentId: dept }, admin)).body.id;
      const reviewer = await createRole(suite.rt, t.tenantId, { dataScope: 'self', permissions: [] });
      reviewerRoleId = reviewer.id;
      const people = [
        { username: 'srch-anna', displayName: 'Anna Search', departmentId: dept, positionId: t.positions.manager.id, roleIds: [reviewer.id] },
        { username: 'srch-bob', displayName: 'Bob Search', departmentId: dept, positionId: t.positions.engineer.id, roleIds: [] },
        { username: 'srch-cleo', displayName: 'Cleo Search', departmentId: sub, positionId: t.positions.engineer.id, roleIds: [reviewer.id] },
        { username: 'srch-dan', displayName: 'Dan Search', departmentId: sub, positionId: t.positions.engineer.id, roleIds: [] },
      ];
      for (const p of people) {
        const res = await suite.api.post(U, { ...p, email: `${p.username}@search.test` }, admin);
        expect(res.status).toBe(201);
        made[p.username] = res.body.id;
      }
      await suite.api.post(`${U}/${made['srch-dan']}/disable`, undefined, admin);
    });
    const names = (res: { body: { items: { username: string }[] } }) => res.body.items.map((u) => u.username);

    it('filters by text over name, username and email, case-insensitively', async () => {
      expect(names(await suite.api.get(`${U}?q=SEARCH&sort=username`, admin))).toEqual(['srch-anna', 'srch-bob', 'srch-cleo', 'srch-dan']);
      expect(names(await suite.api.get(`${U}?q=srch-bo`, admin))).toEqual(['srch-bob']);
      expect(names(await suite.api.get(`${U}?q=${encodeURIComponent('cleo@search')}`, admin))).toEqual(['srch-cleo']);
      expect((await suite.api.get(`${U}?q=${encodeURIComponent('%')}`, admin)).body.total).toBe(0);
    });

    it('filters by department (with subtree), status, position and role', async () => {
      expect(names(await suite.api.get(`${U}?departmentId=${dept}&sort=username`, admin))).toEqual(['srch-anna', 'srch-bob']);
      expect(names(await suite.api.get(`${U}?departmentId=${dept}&includeSubtree=true&sort=username`, admin))).toEqual(['srch-anna', 'srch-bob', 'srch-cleo', 'srch-dan']);
      expect(names(await suite.api.get(`${U}?departmentId=${dept}&includeSubtree=true&status=disabled`, admin))).toEqual(['srch-dan']);
      expect(names(await suite.api.get(`${U}?departmentId=${dept}&includeSubtree=true&status=active&positionId=${t.positions.engineer.id}&sort=username`, admin))).toEqual([
        'srch-bob',
        'srch-cleo',
      ]);
      expect(names(await suite.api.get(`${U}?roleId=${reviewerRoleId}&sort=username`, admin))).toEqual(['srch-anna', 'srch-cleo']);
      expect(names(await suite.api.get(`${U}?roleId=${t.roles.tenant_admin.id}`, admin))).toEqual(['admin']);
      expect((await suite.api.get(`${U}?departmentId=${GHOST}&includeSubtree=true`, admin)).body.total).toBe(0);
      expect((await suite.api.get(`${U}?status=gone`, admin)).status).toBe(422);
    });

    it('sorts and paginates', async () => {
      const base = `${U}?q=srch&sort=displayName&order=desc&pageSize=3`;
      const p1 = await suite.api.get(base, admin);
      expect(p1.body).toMatchObject({ total: 4, page: 1, pageSize: 3 });
      expect(names(p1)).toEqual(['srch-dan', 'srch-cleo', 'srch-bob']);
      const p2 = await suite.api.get(`${base}&page=2`, admin);
      expect(names(p2)).toEqual(['srch-anna']);
      expect((await suite.api.get(`${base}&page=3`, admin)).body.items).toEqual([]);
      const byCreation = await suite.api.get(`${U}?q=srch&sort=createdAt&order=asc`, admin);
      expect(names(byCreation)).toEqual(['srch-anna', 'srch-bob', 'srch-cleo', 'srch-dan']);
      expect((await suite.api.get(`${U}?sort=passwordHash`, admin)).status).toBe(422);
      const everyone = await suite.api.get(`${U}?pageSize=100`, admin);
      expect(everyone.body.total).toBe(await suite.rt.orm.em.fork().count(User, { tenantId: t.tenantId, deletedAt: null }));
      expect(everyone.body.items.every((u: Record<string, unknown>) => !('passwordHash' in u))).toBe(true);
    });

    it('never shows another tenant\'s users', async () => {
      const other = await tenantWithTokens(suite.rt);
      const res = await suite.api.get(`${U}?q=srch`, other.tokens.admin);
      expect(res.body.total).toBe(0);
      const all = await suite.api.get(`${U}?pageSize=100`, other.tokens.admin);
      expect(all.body.total).toBe(6);
      expect(all.body.items.map((u: { id: string }) => u.id)).not.toContain(t.users.alice.id);
    });
  });

  it('bounds the search text', async () => {
    expect((await suite.api.get(`${U}?q=${'x'.repeat(101)}`, admin)).status).toBe(422);
  });
});
