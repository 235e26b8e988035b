/**
 * The console in a real browser — Debian's Chromium driven by playwright-core — against the real
 * stack: the Koa app serving the built console, MariaDB, Redis, the Temporal dev server and a
 * worker on a private task queue. People sign in with their passwords and click through.
 *
 *  1. an admin builds a two-step template with a condition in the designer and publishes it;
 *  2. an employee finds it in the catalogue, picks a colleague from the directory, attaches a
 *     file (uploaded to the file store), previews who will approve, and submits it through the
 *     generated form; the server's 422 lands at its field; the request page downloads the file;
 *  3. the approvers see it in their inbox, open it and approve;
 *  4. the employee sees it approved, the progress diagram (GET /approvals/:id/graph) updated;
 *  5. an admin finds it among all requests and exports them;
 *  6. the inbox in Chinese, and at phone width;
 *  7. an admin cancels a running request through the Intervene menu, with a reason.
 *
 * Screenshots of the main pages go to test-artifacts/console/ (git-ignored). Time to interactive
 * of the login page and the inbox is measured and printed (no assertions on timings).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Runtime } from '../../activities/runtime';
import { User } from '../../db/entities';
import { createTenant, createTestRuntime, DEMO, startTestApi, startTestWorker, tokenFor, uniqueCode, type TenantFixture, type TestApi, type TestWorker } from '../harness/harness';

const root = resolve(__dirname, '../..');
const ARTIFACTS = join(root, 'test-artifacts/console');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

type Person = 'admin' | 'alice' | 'pete' | 'carol' | 'harry';
const QUOTE = 'Quote 2291: two 27-inch monitors, 1500 EUR\n';

describe('the console in a real browser', () => {
  let rt: Runtime;
  let api: TestApi;
  let worker: TestWorker;
  let t: TenantFixture;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const timings: Record<string, number> = {};
  const key = uniqueCode('purchase-');
  let instanceId = '';

  const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  async function open(who: Person | null, opts: { locale?: 'en' | 'zh-CN'; width?: number } = {}): Promise<Page> {
    const width = opts.width ?? 1366;
    const context = await browser.newContext({ viewport: { width, height: width < 600 ? 844 : 900 }, baseURL: api.baseUrl, timezoneId: 'Europe/Berlin' });
    contexts.push(context);
    // Page-side code as strings: the backend's type check has no DOM library.
    await context.addInitScript(`localStorage.setItem('signoff.locale', ${JSON.stringify(opts.locale ?? 'en')})`);
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (e) => console.warn(`[browser] ${e.message}`));
    if (who) await signIn(page, who);
    return page;
  }

  async function signIn(page: Page, who: Person) {
    await page.goto('/login');
    await page.fill('[data-test=login-tenant]', t.tenantCode);
    await page.fill('[data-test=login-user]', who);
    await page.fill('[data-test=login-password]', who === 'admin' ? DEMO.adminPassword : DEMO.userPassword);
    await page.click('[data-test=login-submit]');
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  }

  /** Milliseconds from navigation start until `selector` is visible and enabled (the page can be used). */
  async function timeToInteractive(page: Page, path: string, selector: string): Promise<number> {
    await page.goto(path);
    await page.locator(selector).first().waitFor({ state: 'visible' });
    await page.waitForFunction(`(() => { const el = document.querySelector(${JSON.stringify(selector)}); return !!el && !el.disabled; })()`);
    return Math.round(await page.evaluate<number>('performance.now()'));
  }

  /** Wait until the progress diagram shows a node in a state; on timeout, say what it shows instead. */
  async function waitForNode(page: Page, node: string, state: string) {
    try {
      await page.locator(`[data-test=progress-graph] [data-node="${node}"][data-state=${state}]`).waitFor({ state: 'attached', timeout: 40_000 });
    } catch (err) {
      const shown = await page.locator('[data-test=progress-graph]').evaluate((el) => [el.textContent, ...[...el.querySelectorAll('[data-node]')].map((n) => `${n.getAttribute('data-node')}=${n.getAttribute('data-state')}`)].join(' | ')).catch(() => 'no diagram');
      throw new Error(`${node} never ${state}: ${shown}; ${String(err)}`);
    }
  }

  const option = (page: Page, text: string) => page.locator('.el-select-dropdown__item:visible', { hasText: text }).first();
  async function choose(page: Page, selectSelector: string, text: string) {
    await page.locator(selectSelector).first().click();
    await option(page, text).click();
  }
  /** Open the add menu at a gap of the flow and pick a kind (menus fade in and out: retry once more if one closed under us). */
  async function addStep(page: Page, slot: string, kind: string) {
    const before = await page.locator('[data-test=flow-canvas] [data-step]').count();
    for (let attempt = 0; attempt < 3; attempt++) {
      await page.click(`[data-test="add-step-${slot}"]`);
      await page.waitForTimeout(400);
      const item = page.locator(`[data-test=add-kind-${kind}]:visible`).last();
      try {
        await item.click({ timeout: 3000 });
      } catch {
        await page.keyboard.press('Escape');
        continue;
      }
      if ((await page.locator('[data-test=flow-canvas] [data-step]').count()) > before) return;
    }
    throw new Error(`could not add a ${kind} step at ${slot}`);
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    if (!existsSync(join(root, 'web/dist/index.html'))) {
      // `npm test` builds the console first; a lone run of this file builds it here.
      execFileSync('npm', ['run', 'build', '-w', 'web'], { cwd: root, stdio: 'inherit' });
    }
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
    const taskQueue = uniqueCode('tq-console-');
    rt = await createTestRuntime({ TEMPORAL_TASK_QUEUE: taskQueue, TEMPORAL_UI_URL: 'http://127.0.0.1:8233' });
    api = await startTestApi(rt);
    worker = await startTestWorker(rt, taskQueue);
    t = await createTenant(rt);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await worker?.stop();
    await api?.close();
    await rt?.close();
    if (Object.keys(timings).length) console.log(`[console] time to interactive (ms): ${JSON.stringify(timings)}`);
  });

  it('an admin builds a two-step template with a condition in the designer and publishes it', async () => {
    const page = await open(null);
    timings.login = await timeToInteractive(page, '/login', '[data-test=login-submit]');
    await shot(page, 'login');
    await signIn(page, 'admin');
    await page.waitForSelector('[data-test=home-page]');
    await shot(page, 'home');

    await page.goto('/approvals/templates');
    await page.click('[data-test=new-template]');
    await page.fill('[data-test=new-template-name]', 'Purchase request');
    await page.fill('[data-test=new-template-key]', key);
    await page.click('[data-test=new-template-create]');
    await page.waitForSelector('[data-test=flow-canvas]');

    // The form: an amount (number, required) and an optional buyer (a person).
    await page.click('.el-tabs__item:has-text("Form")');
    await page.click('[data-test=add-field]');
    await page.fill('[data-test=field-label-0]', 'Amount');
    await page.fill('[data-test=field-id-0]', 'amount');
    await choose(page, '[data-test=field-type-0]', 'Number');
    await page.click('[data-test=field-required-0]');
    await page.click('[data-test=add-field]');
    await page.fill('[data-test=field-label-1]', 'Buyer');
    await page.fill('[data-test=field-id-1]', 'buyer');
    await choose(page, '[data-test=field-type-1]', 'Person');
    await page.click('[data-test=add-field]');
    await page.fill('[data-test=field-label-2]', 'Quotes');
    await page.fill('[data-test=field-id-2]', 'quotes');
    await choose(page, '[data-test=field-type-2]', 'Attachments');

    // The flow: the team lead approves; above 1000 the next head up approves as well.
    await page.click('.el-tabs__item:has-text("Flow")');
    await addStep(page, 'flow@0', 'approval');
    await page.fill('[data-test=step-name]', 'Team lead');
    await addStep(page, 'flow@1', 'condition');
    await page.fill('[data-test=step-name]', 'Amount');
    await page.fill('[data-test=cond-value-0-0]', '1000');
    await page.fill('[data-test=branch-name-0]', 'Above 1000');
    await addStep(page, 'flow[1].branches[0].steps@0', 'approval');
    await page.fill('[data-test=step-name]', 'Head of department');
    await page.fill('#assignees-level', '2');
    await page.locator('#assignees-level').blur();

    // Who may start it: employees only (alice is one; the admin is not). Requests get serial numbers.
    await page.click('.el-tabs__item:has-text("Settings")');
    await page.fill('[data-test=designer-serial-rule]', 'PR-{yyyyMMdd}-{seq:3}');
    await page.click('[data-test=starters-some]');
    await page.waitForSelector('[data-test=starters-nobody]');
    await choose(page, '[data-test=starters-roles]', 'Employee (employee)');
    await page.locator('[data-test=starters-nobody]').waitFor({ state: 'detached' });
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-test=designer-valid]', { timeout: 30_000 });
    await shot(page, 'designer-starters');
    await page.click('.el-tabs__item:has-text("Flow")');

    await page.waitForSelector('[data-test=designer-valid]', { timeout: 30_000 });
    await shot(page, 'designer');
    await page.click('[data-test=designer-publish]');
    await page.click('.el-message-box__btns .el-button--primary');
    await page.waitForSelector('.el-message--success:has-text("Version 1 published")');

    // What was drawn is what the API stored and published.
    const tpl = await api.get(`/api/v1/approval-templates?q=${key}`, await tokenFor(rt, t.users.admin));
    const version = await api.get(`/api/v1/approval-templates/${tpl.body.items[0].id}/versions/1`, await tokenFor(rt, t.users.admin));
    const flow = version.body.definition.flow;
    expect(flow.map((s: { kind: string; name: string }) => [s.kind, s.name])).toEqual([
      ['approval', 'Team lead'],
      ['condition', 'Amount'],
    ]);
    expect(flow[1].branches[0].when).toEqual({ field: 'form.amount', op: '>', value: 1000 });
    expect(flow[1].branches[0].steps[0]).toMatchObject({ kind: 'approval', name: 'Head of department', assignees: { type: 'departmentHead', level: 2 } });
    expect(version.body.definition.settings.serialRule).toBe('PR-{yyyyMMdd}-{seq:3}');
    expect(version.body.definition.starters).toEqual({ everyone: false, departments: [], roleCodes: ['employee'], userIds: [] });
    expect(version.body.definition.formSchema.fields.map((f: { id: string; type: string }) => [f.id, f.type])).toEqual([
      ['amount', 'number'],
      ['buyer', 'user'],
      ['quotes', 'attachments'],
    ]);
  });

  it('an employee submits it through the generated form; a 422 from the server appears at its field', async () => {
    const page = await open('alice');
    await page.goto('/approvals/new');
    await page.click(`[data-test=template-${key}]`);
    await page.waitForSelector('[data-field=amount]');
    await page.fill('#request-title', 'Two monitors');
    await page.fill('[data-field=amount] input', '1500');
    // The buyer is picked from the people directory (alice may not read users)…
    await page.locator('[data-field=buyer] [data-test=user-picker]').click();
    await page.keyboard.type('fiona');
    await option(page, 'Fiona').click();
    // A quote as an attachment: el-upload sends it to the file store with alice's token.
    await page.setInputFiles('[data-field=quotes] input[type=file]', { name: 'monitor-quote.txt', mimeType: 'text/plain', buffer: Buffer.from(QUOTE) });
    await page.locator('[data-field=quotes] .files li', { hasText: 'monitor-quote.txt' }).waitFor();
    await shot(page, 'form-attachment-uploaded');
    // …and disabled before the submit: only the server can tell, and says so at the field.
    const setFiona = (status: 'active' | 'disabled') => rt.orm.em.fork().nativeUpdate(User, { id: t.users.fiona.id }, { status });
    await setFiona('disabled');
    await page.click('[data-test=submit-request]');
    const fieldError = page.locator('[data-field=buyer] .el-form-item__error');
    await fieldError.waitFor();
    expect(await fieldError.textContent()).toMatch(/no active user/);
    expect(await page.locator('[data-field=amount] .el-form-item__error').count()).toBe(0);
    await expect(page.locator('[data-test=form-error]').textContent()).resolves.toMatch(/fields are not valid/);
    await shot(page, 'form-error-422');

    await setFiona('active');
    // Who will approve it: the preview runs as alice, open to every employee.
    await page.click('[data-test=dry-run]');
    await expect(page.locator('.dry').textContent()).resolves.toContain('Pete');
    await page.click('[data-test=submit-request]');
    await page.waitForSelector('[data-test=request-title]');
    instanceId = page.url().split('/').pop()!;
    await waitForNode(page, 'approval_1', 'active');
    expect(await page.locator('[data-test=request-status]').textContent()).toContain('In progress');
    // The first request of the day under the designer's serial rule (the date in the tenant's zone).
    expect(await page.locator('[data-test=request-serial]').textContent()).toMatch(/^PR-\d{8}-001$/);
    expect(await page.locator('[data-test=workflow-id]').textContent()).toBe(`approval:${t.tenantCode}:${instanceId}`);
    expect(await page.locator('[data-test=temporal-link]').getAttribute('href')).toBe(
      `http://127.0.0.1:8233/namespaces/default/workflows/${encodeURIComponent(`approval:${t.tenantCode}:${instanceId}`)}`,
    );
    await shot(page, 'request-submitted');

    // The request page lists the attachment; its link downloads the stored bytes.
    const link = page.locator('[data-field=quotes] a', { hasText: 'monitor-quote.txt' });
    await link.waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('monitor-quote.txt');
    const saved = join(ARTIFACTS, 'downloaded-quote.txt');
    await download.saveAs(saved);
    expect(readFileSync(saved, 'utf8')).toBe(QUOTE);
    const detail = await api.get(`/api/v1/approvals/${instanceId}`, await tokenFor(rt, t.users.alice));
    expect(detail.body.form.quotes).toEqual([expect.objectContaining({ name: 'monitor-quote.txt', size: QUOTE.length })]);
    await shot(page, 'request-attachment');
  });

  it('the approvers see it in their inbox, open it and approve it', async () => {
    for (const [who, step] of [
      ['pete', 'Team lead'],
      ['carol', 'Head of department'],
    ] as const) {
      const page = await open(who);
      const tti = await timeToInteractive(page, '/approvals/inbox', '[data-test=inbox-row] a');
      timings[`inbox (${who})`] = tti;
      const row = page.locator('[data-test=inbox-row]', { hasText: 'Two monitors' });
      await expect(row.textContent()).resolves.toContain(step);
      expect(await page.locator('[data-test=badge-inbox]').textContent()).toContain('1');
      if (who === 'pete') await shot(page, 'inbox');
      await row.locator('a').click();
      await page.waitForSelector('[data-test=task-actions]');
      if (who === 'pete') await shot(page, 'request-approver');
      if (who === 'carol') {
        // Half way: the team lead is done, the condition took the "Above 1000" branch, Carol is asked.
        const graph = page.locator('[data-test=progress-graph]');
        await waitForNode(page, 'approval_2', 'active');
        expect(await graph.locator('[data-node="approval_1"]').getAttribute('data-state')).toBe('done');
        expect(await graph.locator('[data-node="condition_1"]').getAttribute('data-state')).toBe('done');
        expect(await graph.locator('[data-node="#end"]').getAttribute('data-state')).toBe('waiting');
        expect(await graph.locator('[data-node="approval_2"] [data-test=graph-holder]').allTextContents()).toEqual([expect.stringContaining('Carol')]);
        await graph.screenshot({ path: join(ARTIFACTS, 'request-graph-active.png') });
      }
      await page.click('[data-test=action-approve]');
      await page.fill('[data-test=action-comment-input]', `Fine by me (${who})`);
      await page.click('[data-test=action-confirm]');
      await page.waitForSelector('.el-message--success');
      await page.waitForSelector('[data-test=task-actions]', { state: 'detached' });
    }
  });

  it('the employee sees it approved, with the progress diagram updated', async () => {
    const page = await open('alice');
    await page.goto('/approvals/started');
    await page.locator('[data-test=inbox-row]', { hasText: 'Two monitors' }).locator('a').click();
    await page.waitForSelector('[data-test=request-status]');
    await expect(page.locator('[data-test=request-status]').textContent()).resolves.toContain('Approved');
    // The progress diagram: every node passed, the people under their step, the branch not taken drawn as such.
    const graph = page.locator('[data-test=progress-graph]');
    await waitForNode(page, '#end', 'done');
    const states = await graph.locator('[data-node]').evaluateAll((els) => els.map((el) => `${el.getAttribute('data-node')}=${el.getAttribute('data-state')}`));
    expect(states).toEqual(['#start=done', 'approval_1=done', 'condition_1=done', 'approval_2=done', 'condition_1#join=done', '#end=done']);
    expect(await graph.locator('[data-node="approval_1"] [data-test=graph-holder]').allTextContents()).toEqual([expect.stringMatching(/✓\s+Pete/)]);
    expect(await graph.locator('[data-node="approval_2"] [data-test=graph-holder]').allTextContents()).toEqual([expect.stringMatching(/✓\s+Carol/)]);
    expect(await graph.locator('.edge.not-taken').count()).toBe(1);
    expect(await graph.locator('[data-test=graph-legend]').textContent()).toContain('Done');
    await graph.screenshot({ path: join(ARTIFACTS, 'request-graph.png') });
    const timeline = await page.locator('[data-test=timeline]').textContent();
    expect(timeline).toContain('Fine by me (pete)');
    expect(timeline).toContain('Fine by me (carol)');
    await shot(page, 'request-approved');
  });

  it('an admin finds it among all requests, filtered by status, and exports the list', async () => {
    const page = await open('admin');
    await page.goto('/approvals/oversight');
    const row = page.locator('[data-test=oversight-row]', { hasText: 'Two monitors' });
    await row.waitFor();
    await shot(page, 'oversight');
    const download = page.waitForEvent('download');
    await page.click('[data-test=oversight-export]');
    expect((await download).suggestedFilename()).toBe('approvals.csv');
    const serial = (await row.locator('xpath=ancestor::tr').locator('[data-test=oversight-serial-cell]').textContent())!.trim();
    expect(serial).toMatch(/^PR-\d{8}-001$/);
    // The serial number filter matches exactly: the full number finds it, a part of it does not.
    await page.fill('[data-test=oversight-serial]', serial.slice(0, -1));
    await row.waitFor({ state: 'detached' });
    await page.fill('[data-test=oversight-serial]', serial);
    await row.waitFor();
    expect(await page.locator('[data-test=oversight-row]').count()).toBe(1);
    await page.fill('[data-test=oversight-serial]', '');
    await page.fill('[data-test=oversight-search]', 'no such title');
    await row.waitFor({ state: 'detached' });
  });

  it('an admin cancels a running request through the Intervene menu, with a reason', async () => {
    const admin = await tokenFor(rt, t.users.admin);
    const alice = await tokenFor(rt, t.users.alice);
    const started = await api.post('/api/v1/approvals', { templateKey: key, title: 'Desk lamp', form: { amount: 40 } }, alice);
    expect(started.status).toBe(202);
    const id = started.body.instanceId as string;
    for (let i = 0; ; i++) {
      const d = await api.get(`/api/v1/approvals/${id}`, alice);
      if (d.body.tasks?.some((x: { status: string }) => x.status === 'open')) break;
      if (i > 100) throw new Error('the team lead was never asked');
      await new Promise((r) => setTimeout(r, 150));
    }
    const adminName = (await api.get('/api/v1/me', admin)).body.user.displayName as string;

    // The initiator has no such menu: it needs `approval:intervene`.
    const initiator = await open('alice');
    await initiator.goto(`/approvals/requests/${id}`);
    await initiator.waitForSelector('[data-test=action-withdraw]');
    expect(await initiator.locator('[data-test=intervene-menu]').count()).toBe(0);

    const page = await open('admin');
    await page.goto(`/approvals/requests/${id}`);
    await page.click('[data-test=intervene-menu]');
    const items = page.locator('.el-dropdown-menu__item:visible');
    await items.first().waitFor();
    // Running, one open task, nothing passed yet, not stalled: cancel and reassign only.
    expect(await items.allTextContents()).toEqual(['Cancel request', 'Reassign a task']);
    await items.filter({ hasText: 'Cancel request' }).click();
    const dialog = page.locator('.el-dialog:visible');
    await dialog.waitFor();
    // No reason, no call.
    await page.click('[data-test=intervene-confirm]');
    await expect(page.locator('[data-test=intervene-error]').textContent()).resolves.toContain('Required');
    await page.fill('[data-test=intervene-reason]', 'Bought with the monitors already');
    await page.locator('[data-test=intervene-error]').waitFor({ state: 'detached' });
    await shot(page, 'intervene-dialog');
    await page.click('[data-test=intervene-confirm]');
    await page.waitForSelector('.el-message--success:has-text("Request cancelled")');
    await dialog.waitFor({ state: 'detached' }).catch(() => dialog.waitFor({ state: 'hidden' }));
    await expect(page.locator('[data-test=request-status]').textContent()).resolves.toContain('Cancelled');
    const event = page.locator('[data-test=timeline] [data-type=admin_cancelled]');
    await expect(event.textContent()).resolves.toMatch(new RegExp(`${adminName}.*cancelled the request: Bought with the monitors already`));
    // Over is over: the menu is gone.
    expect(await page.locator('[data-test=intervene-menu]').count()).toBe(0);
    await shot(page, 'intervene');

    const stored = await api.get(`/api/v1/approvals/${id}`, alice);
    expect(stored.body.status).toBe('cancelled');
    expect(stored.body.tasks.map((x: { status: string }) => x.status)).toEqual(['cancelled']);
  });

  it('renders the inbox in Chinese', async () => {
    const page = await open('pete', { locale: 'zh-CN' });
    await page.goto('/approvals/inbox?box=done');
    await page.waitForSelector('[data-test=inbox-row]');
    expect(await page.locator('h1').first().textContent()).toBe('审批中心');
    expect(await page.locator('[data-test=box-todo]').textContent()).toBe('待办');
    expect(await page.locator('[data-test=inbox-row]', { hasText: 'Two monitors' }).textContent()).toContain('已通过');
    expect(await page.evaluate<string>('document.documentElement.lang')).toBe('zh-CN');
    await shot(page, 'inbox-zh-CN');
  });

  it('a user sees where they are signed in and signs out the other device', async () => {
    // Harry signs in nowhere else in this file: Carol's sign-in as an approver above is a session too.
    const other = await open('harry');
    const page = await open('harry');
    await page.goto('/account/sessions');
    await page.waitForSelector('[data-test=current-session]');
    expect(await page.locator('[data-test=sessions-page] .el-table__body tr').count()).toBe(2);
    expect(await page.locator('[data-test=current-session]').count()).toBe(1);
    await shot(page, 'sessions');
    await page.click('[data-test=revoke-others]');
    await page.locator('[data-test=sessions-page] .el-table__body tr').nth(1).waitFor({ state: 'detached' });
    expect(await page.locator('[data-test=current-session]').count()).toBe(1);
    // The other browser's session is over: its next call fails and it lands on the sign-in page.
    await other.goto('/approvals/inbox');
    await other.waitForURL((u) => u.pathname.startsWith('/login'));
  });

  it('works at phone width', async () => {
    const page = await open('alice', { width: 390 });
    await page.goto(`/approvals/requests/${instanceId}`);
    await page.waitForSelector('[data-test=request-status]');
    await waitForNode(page, '#end', 'done');
    // The side navigation folds into a drawer behind the menu button.
    expect(await page.locator('.el-aside').count()).toBe(0);
    await page.click('button[aria-label="Open the menu"]');
    await page.waitForSelector('.el-drawer .el-menu');
    await page.keyboard.press('Escape');
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(390);
    await shot(page, 'request-phone');
  });

  it('draws parallel branches side by side, and where a request was rejected', async () => {
    const admin = await tokenFor(rt, t.users.admin);
    const alice = await tokenFor(rt, t.users.alice);
    const people = (...who: ('pete' | 'carol' | 'fiona')[]) => ({ type: 'users', userIds: who.map((w) => t.users[w].id) });
    const flowKey = uniqueCode('checks-');
    const created = await api.post(
      '/api/v1/approval-templates',
      {
        key: flowKey,
        name: 'Access request',
        category: 'access',
        formSchema: { fields: [{ id: 'amount', label: 'Amount', type: 'number' }] },
        flow: [
          { kind: 'approval', id: 'lead', name: 'Team lead', assignees: people('pete') },
          {
            kind: 'parallel',
            id: 'checks',
            name: 'Checks',
            branches: [
              { id: 'it', name: 'IT', steps: [{ kind: 'approval', id: 'itcheck', name: 'IT check', assignees: people('carol') }] },
              {
                id: 'fin',
                name: 'Finance',
                steps: [
                  {
                    kind: 'condition',
                    id: 'big',
                    name: 'Amount',
                    branches: [{ id: 'large', name: 'Above 1000', when: { field: 'form.amount', op: '>', value: 1000 }, steps: [{ kind: 'approval', id: 'cfo', name: 'CFO', assignees: people('fiona') }] }],
                    default: { id: 'small', name: 'Otherwise', steps: [] },
                  },
                  { kind: 'cc', id: 'tell', name: 'Tell finance', recipients: people('fiona') },
                ],
              },
            ],
          },
          { kind: 'approval', id: 'final', name: 'Final approval', assignees: people('pete', 'carol') },
        ],
      },
      admin,
    );
    expect(created.status).toBe(201);
    expect((await api.post(`/api/v1/approval-templates/${created.body.id}/publish`, undefined, admin)).status).toBe(201);
    const started = await api.post('/api/v1/approvals', { templateKey: flowKey, title: 'VPN access', form: { amount: 5000 } }, alice);
    expect(started.status).toBe(202);
    const id = started.body.instanceId as string;
    const openTask = async (who: 'pete' | 'carol' | 'fiona', stepId: string) => {
      for (let i = 0; i < 100; i++) {
        const d = await api.get(`/api/v1/approvals/${id}`, alice);
        const task = d.body.tasks?.find((x: { stepId: string; status: string; assignee: { userId: string } }) => x.stepId === stepId && x.status === 'open' && x.assignee.userId === t.users[who].id);
        if (task) return task.taskId as string;
        await new Promise((r) => setTimeout(r, 150));
      }
      throw new Error(`${who} never asked at ${stepId}`);
    };
    const decide = async (who: 'pete' | 'carol' | 'fiona', stepId: string, action: 'approve' | 'reject') =>
      expect((await api.post(`/api/v1/approvals/${id}/tasks/${await openTask(who, stepId)}/${action}`, { comment: 'ok' }, await tokenFor(rt, t.users[who]))).status).toBe(200);
    await decide('pete', 'lead', 'approve');
    await openTask('carol', 'itcheck');
    await openTask('fiona', 'cfo');

    const page = await open('alice');
    // Tall enough for the whole diagram in one screenshot.
    await page.setViewportSize({ width: 1366, height: 1400 });
    await page.goto(`/approvals/requests/${id}`);
    const graph = page.locator('[data-test=progress-graph]');
    await waitForNode(page, 'cfo', 'active');
    const stateOf = () => graph.locator('[data-node]').evaluateAll((els) => Object.fromEntries(els.map((el) => [el.getAttribute('data-node'), el.getAttribute('data-state')])));
    expect(await stateOf()).toMatchObject({ lead: 'done', checks: 'active', itcheck: 'active', big: 'done', cfo: 'active', tell: 'waiting', final: 'waiting', '#end': 'waiting' });
    // Side by side: the IT branch left of the finance branch, on the same row.
    const box = async (node: string) => (await graph.locator(`[data-node="${node}"]`).boundingBox())!;
    const [it, big] = [await box('itcheck'), await box('big')];
    expect(it.x + it.width).toBeLessThanOrEqual(big.x);
    expect(Math.abs(it.y - big.y)).toBeLessThan(2);
    await graph.screenshot({ path: join(ARTIFACTS, 'request-graph-parallel.png') });

    await decide('carol', 'itcheck', 'reject');
    await page.reload();
    await waitForNode(page, '#end', 'rejected');
    expect(await stateOf()).toMatchObject({ itcheck: 'rejected', checks: 'rejected', cfo: 'cancelled', tell: 'skipped', final: 'skipped', 'checks#join': 'skipped' });
    expect(await graph.locator('[data-test=graph-legend]').textContent()).toMatch(/Rejected.*Cancelled|Cancelled.*Rejected/);
    await graph.screenshot({ path: join(ARTIFACTS, 'request-graph-rejected.png') });
  });
});
