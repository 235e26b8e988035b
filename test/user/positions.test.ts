import { Position } from '../../db/entities';
import { newUserBody } from './helpers';
import { tenantWithTokens, useSuite } from '../harness/harness';

const suite = useSuite();
const P = '/api/v1/positions';

describe('positions', () => {
  let t: Awaited<ReturnType<typeof tenantWithTokens>>;
  let admin: string;
  beforeAll(async () => {
    t = await tenantWithTokens(suite.rt);
    admin = t.tokens.admin;
  });

  it('creates, reads, updates and lists positions', async () => {
    const created = await suite.api.post(P, { code: 'cfo', name: 'Chief financial officer', rank: 20 }, admin);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ code: 'cfo', name: 'Chief financial officer', rank: 20 });
    expect((await suite.api.get(`${P}/${created.body.id}`, admin)).body).toEqual(created.body);

    const updated = await suite.api.patch(`${P}/${created.body.id}`, { name: 'Finance chief', rank: 15, code: 'finance-chief' }, admin);
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ code: 'finance-chief', name: 'Finance chief', rank: 15 });

    const list = await suite.api.get(`${P}?pageSize=2`, admin);
    expect(list.body).toMatchObject({ total: 4, page: 1, pageSize: 2 });
    expect(list.body.items.map((p: { code: string }) => p.code)).toEqual(['ceo', 'finance-chief']); // by rank
    const search = await suite.api.get(`${P}?q=CHIEF`, admin);
    expect(search.body.items.map((p: { code: string }) => p.code).sort()).toEqual(['ceo', 'finance-chief']);

    expect((await suite.api.post(P, { code: 'Bad Code', name: 'x' }, admin)).status).toBe(422);
    expect((await suite.api.post(P, { code: 'ok', name: 'x' }, t.tokens.alice)).status).toBe(403);
    expect((await suite.api.get(P, t.tokens.alice)).status).toBe(200);
  });

  it('keeps codes unique per tenant (409 position_code_taken) on create and on update', async () => {
    const dup = await suite.api.post(P, { code: 'engineer', name: 'Another engineer' }, admin);
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('position_code_taken');
    const { body: intern } = await suite.api.post(P, { code: 'intern', name: 'Intern', rank: 200 }, admin);
    const rename = await suite.api.patch(`${P}/${intern.id}`, { code: 'manager' }, admin);
    expect(rename.status).toBe(409);
    expect(rename.body.code).toBe('position_code_taken');
    expect((await suite.api.get(`${P}/${intern.id}`, admin)).body.code).toBe('intern');
    // Same code, same position: not a conflict.
    expect((await suite.api.patch(`${P}/${intern.id}`, { code: 'intern', name: 'Trainee' }, admin)).status).toBe(200);
    // Concurrent creation of one code: exactly one wins, the other gets the same clear 409.
    const racing = await Promise.all([0, 1, 2].map(() => suite.api.post(P, { code: 'racer', name: 'Racer' }, admin)));
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect(racing.filter((r) => r.status === 409).every((r) => r.body.code === 'position_code_taken')).toBe(true);
    expect(await suite.rt.orm.em.fork().count(Position, { tenantId: t.tenantId, code: 'racer' })).toBe(1);

    // Another tenant may use the same code.
    const other = await tenantWithTokens(suite.rt);
    expect((await suite.api.post(P, { code: 'intern', name: 'Intern' }, other.tokens.admin)).status).toBe(201);
  });

  it('refuses to delete a position while live users hold it', async () => {
    const { body: pos } = await suite.api.post(P, { code: 'temp', name: 'Temporary' }, admin);
    const user = await suite.api.post('/api/v1/users', newUserBody({ positionId: pos.id }), admin);
    const inUse = await suite.api.delete(`${P}/${pos.id}`, admin);
    expect(inUse.status).toBe(409);
    expect(inUse.body.code).toBe('position_in_use');
    expect((await suite.api.delete(`${P}/${t.positions.engineer.id}`, admin)).body.code).toBe('position_in_use');

    await suite.api.delete(`/api/v1/users/${user.body.id}`, admin);
    expect((await suite.api.delete(`${P}/${pos.id}`, admin)).status).toBe(204);
    expect((await suite.api.get(`${P}/${pos.id}`, admin)).status).toBe(404);
  });
});
