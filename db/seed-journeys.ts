/**
 * The demo tenant's journeys, on top of the presets every tenant gets (db/seed-approval.ts), so
 * that right after `npm start` each can be tried in the console:
 *  - every preset numbers its requests (`LEAVE-20261204-0001`, …): inbox, detail, mail subjects,
 *    the Temporal UI's `SignoffSerialNumber`;
 *  - IT equipment may be started by Engineering (and its sub-departments) only: Alice sees it in
 *    the catalogue, Fiona (Finance) does not, and starting it anyway is 403;
 *  - Fiona manages the expense claim template: she edits and publishes it and oversees its
 *    requests without tenant-wide template rights.
 * Expense claims need receipts (attachments): upload them in the form.
 *
 * Applied through the template service as the demo admin (validation, publish as version 2),
 * once: a template already past version 1, or with managers, is left to its admins. Tests seed
 * tenants without this, so their presets stay unnumbered and open to everyone.
 */
import { RequestContext } from '@mikro-orm/core';
import type { Runtime } from '../activities/runtime';
import { systemActor } from '../common/actor';
import { ApprovalTemplate } from './entities';
import { TemplateDefinition, type Template } from '../workflows/approval/dsl';
import type { seedDemoData } from './seed';

type Demo = Awaited<ReturnType<typeof seedDemoData>>;

/** What the demo changes in each preset (by key). */
const JOURNEYS = (demo: Demo): Record<string, (t: Template) => Partial<Template>> => ({
  leave: (t) => ({ settings: { ...t.settings, serialRule: 'LEAVE-{yyyyMMdd}-{seq:4}' } }),
  expense: (t) => ({ settings: { ...t.settings, serialRule: 'EXP-{yyyyMM}-{seq:4}' } }),
  'access-request': (t) => ({ settings: { ...t.settings, serialRule: 'ACC-{yyyy}-{seq:5}' } }),
  'it-equipment': (t) => ({
    settings: { ...t.settings, serialRule: 'IT-{yyyy}-{seq:5}' },
    starters: { everyone: false, departments: [{ departmentId: demo.departments.eng.id, includeSubtree: true }], roleCodes: [], userIds: [] },
  }),
});

/** Returns the keys of the templates it published a new version of. */
export function seedDemoJourneys(rt: Runtime, demo: Demo): Promise<string[]> {
  // The services read through the request-scoped entity manager, as they do behind the API.
  return RequestContext.create(rt.orm.em, () => applyJourneys(rt, demo));
}

async function applyJourneys(rt: Runtime, demo: Demo): Promise<string[]> {
  const admin = systemActor(demo.tenantId, demo.users.admin.id);
  const templates = rt.services.templates;
  const published: string[] = [];
  for (const [key, change] of Object.entries(JOURNEYS(demo))) {
    const row = await rt.orm.em.fork().findOne(ApprovalTemplate, { tenantId: demo.tenantId, key });
    if (!row || row.latestVersion !== 1 || row.draftDirty) continue;
    const draft = TemplateDefinition.parse({ ...row.draft, ...change(row.draft) });
    await templates.updateDraft(admin, row.id, draft);
    await templates.publish(admin, row.id);
    published.push(key);
  }
  const expense = await rt.orm.em.fork().findOne(ApprovalTemplate, { tenantId: demo.tenantId, key: 'expense' });
  if (expense && !(await templates.managers(admin, expense.id)).managers.length) await templates.setManagers(admin, expense.id, [demo.users.fiona.id]);
  return published;
}
