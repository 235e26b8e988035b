/**
 * The embedded database (SQLite) runs the same template code: JSON columns, the escaped text
 * search, row locks that SQLite ignores, the preset seed and a dry-run through the org chart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '../../db/orm';
import { seedDemoData } from '../../db/seed';
import { ApprovalTemplate, ApprovalTemplateVersion } from '../../db/entities';
import { systemActor } from '../../common/actor';
import { TemplateDefinition } from '../../workflows/approval/dsl';
import type { Runtime } from '../../activities/runtime';
import { createTestRuntime, inContext } from '../harness/harness';

describe('approval templates on SQLite', () => {
  let dir: string;
  let rt: Runtime;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'signoff-tpl-sqlite-'));
    rt = await createTestRuntime({ DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}` });
    await migrate(rt.orm);
  });
  afterAll(async () => {
    await rt.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('seeds, lists, publishes and dry-runs', async () => {
    const demo = await seedDemoData(rt.orm.em.fork(), { scryptLogN: 12 });
    await seedDemoData(rt.orm.em.fork(), { scryptLogN: 12 });
    const em = rt.orm.em.fork();
    expect(await em.count(ApprovalTemplate, { tenantId: demo.tenantId })).toBe(4);
    expect(await em.count(ApprovalTemplateVersion, { tenantId: demo.tenantId })).toBe(4);

    const actor = { ...systemActor(demo.tenantId, demo.users.admin.id) };
    const service = rt.services.templates;
    await inContext(rt, async () => {
      const found = await service.list(actor, { page: 1, pageSize: 20, q: 'LEAVE' });
      expect(found.items.map((i) => i.key)).toEqual(['leave']);
      expect((await service.list(actor, { page: 1, pageSize: 20, q: '%' })).total).toBe(0);

      const leave = await service.get(actor, found.items[0].id);
      const edited = TemplateDefinition.parse({ ...leave.draft, description: 'Edited on SQLite' });
      expect((await service.updateDraft(actor, leave.id, edited)).hasUnpublishedChanges).toBe(true);
      expect((await service.publish(actor, leave.id)).version).toBe(2);
      expect((await service.version(actor, leave.id, 1)).definition.description).not.toBe('Edited on SQLite');

      const run = await service.dryRun(actor, leave.id, {
        form: { leaveType: 'sick', period: { start: '2025-05-05', end: '2025-05-09' }, days: 5 },
        initiatorUserId: demo.users.alice.id,
        selections: {},
      });
      expect(run.path.filter((s) => s.kind === 'approval').map((s) => s.assignees.map((a) => a.userId))).toEqual([[demo.users.pete.id], [demo.users.harry.id]]);
    });
  });
});
