/**
 * Attachments end to end on the real services: upload through the real multipart route into the
 * local-disk store, download, delete; sniffed types, limits, and who may read a file (the
 * uploader, people who may see a request it is attached to, nobody of another tenant), and
 * references from approval forms and to-dos.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTenant, tokenFor } from '../harness/harness';
import { APPROVALS, approval, publish, startRuntimeEnv, until, type RuntimeEnv, type Who } from '../approval-runtime/helpers';

/** The 8-byte PNG signature and an IHDR chunk: enough for the sniffer to call it image/png. */
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000000000500010d0a2db40000000049454e44ae426082', 'hex');
const MAX_BYTES = 4096;

describe('attachments: file store, upload, download, references', () => {
  let env: RuntimeEnv;
  const fileDir = mkdtempSync(join(tmpdir(), 'signoff-files-'));

  beforeAll(async () => {
    env = await startRuntimeEnv({ FILE_DIR: fileDir, FILE_MAX_BYTES: String(MAX_BYTES), FILE_MAX_COUNT: '2' });
  });
  afterAll(async () => {
    await env?.close();
    rmSync(fileDir, { recursive: true, force: true });
  });

  type Part = { name: string; type?: string; data: Buffer | string };
  async function upload(who: Who | string, parts: Part[]) {
    const form = new FormData();
    for (const p of parts) form.append('files', new Blob([typeof p.data === 'string' ? Buffer.from(p.data) : p.data], { type: p.type ?? 'application/octet-stream' }), p.name);
    const token = who in env.tokens ? env.tokens[who as Who] : who;
    const authorization = token.startsWith('ApiKey ') ? token : `Bearer ${token}`;
    const res = await fetch(`${env.api.baseUrl}/api/v1/files`, { method: 'POST', headers: { authorization }, body: form });
    return { status: res.status, body: (await res.json()) as any };
  }
  const uploadOne = async (who: Who, part: Part) => {
    const res = await upload(who, [part]);
    expect(res.status).toBe(201);
    return res.body.items[0] as { id: string; name: string; size: number; contentType: string; sha256: string; url: string };
  };
  const download = (who: Who | string, id: string) =>
    fetch(`${env.api.baseUrl}/api/v1/files/${id}`, { headers: { authorization: `Bearer ${who in env.tokens ? env.tokens[who as Who] : who}` } });
  const storedKeys = () => (existsSync(join(fileDir, env.t.tenantId)) ? readdirSync(join(fileDir, env.t.tenantId)) : []);

  it('stores an upload, sniffs its type over the client claim, and streams it back to the uploader', async () => {
    // The client says text/plain; the bytes are a PNG.
    const file = await uploadOne('alice', { name: 'scan.txt', type: 'text/plain', data: PNG });
    expect(file).toMatchObject({ name: 'scan.txt', size: PNG.length, contentType: 'image/png', sha256: createHash('sha256').update(PNG).digest('hex'), url: `/api/v1/files/${file.id}` });
    expect(storedKeys()).toContain(file.id);

    const res = await download('alice', file.id);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="scan.txt"; filename*=UTF-8''scan.txt`);
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);

    const mine = await env.api.get('/api/v1/files?pageSize=100', env.tokens.alice);
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((f: any) => f.id)).toContain(file.id);
    const theirs = await env.api.get('/api/v1/files?pageSize=100', env.tokens.pete);
    expect(theirs.body.items.map((f: any) => f.id)).not.toContain(file.id);
  });

  it('keeps odd file names out of the header syntax', async () => {
    const name = "résumé (v2); l'été.txt";
    const file = await uploadOne('alice', { name, data: 'plain words\n' });
    expect([file.name, file.contentType]).toEqual([name, 'text/plain']);
    const res = await download('alice', file.id);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="r_sum_ (v2)_ l__t_.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%28v2%29%3B%20l%27%C3%A9t%C3%A9.txt`);
    expect(await res.text()).toBe('plain words\n');
  });

  it('refuses a file over the size limit (413) and a type outside the allow-list (422), keeping nothing', async () => {
    const before = storedKeys().length;
    const big = await upload('alice', [{ name: 'big.txt', data: 'x'.repeat(MAX_BYTES + 1) }]);
    expect([big.status, big.body.code]).toEqual([413, 'file_too_large']);
    const many = await upload('alice', [1, 2, 3].map((i) => ({ name: `n${i}.txt`, data: 'hi' })));
    expect([many.status, many.body.code]).toEqual([413, 'too_many_files']);
    // Binary without a known signature: sniffed as application/octet-stream, not accepted, even when the client calls it a PDF.
    const mixed = await upload('alice', [
      { name: 'ok.txt', data: 'fine' },
      { name: 'blob.pdf', type: 'application/pdf', data: Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 0, 7]) },
    ]);
    expect([mixed.status, mixed.body.code]).toEqual([422, 'file_type_not_allowed']);
    expect(mixed.body.errors).toEqual([expect.objectContaining({ path: 'body.files.1', code: 'file_type_not_allowed' })]);
    expect(storedKeys().length).toBe(before);
    expect(readdirSync(join(fileDir, '.incoming'))).toEqual([]);
    const notMultipart = await env.api.post('/api/v1/files', { file: 'x' }, env.tokens.alice);
    expect([notMultipart.status, notMultipart.body.code]).toEqual([415, 'multipart_required']);
  });

  it('lets the uploader delete an unused file, with its bytes', async () => {
    const file = await uploadOne('alice', { name: 'gone.txt', data: 'bye' });
    expect((await env.api.delete(`/api/v1/files/${file.id}`, env.tokens.pete)).status).toBe(404);
    expect((await env.api.delete(`/api/v1/files/${file.id}`, env.tokens.alice)).status).toBe(204);
    expect((await download('alice', file.id)).status).toBe(404);
    expect(storedKeys()).not.toContain(file.id);
  });

  it('serves what looks like a page as inert text, and keeps only the last segment of a name', async () => {
    // An HTML page with script has no binary signature: it is stored as text/plain, downloaded as
    // an attachment, never sniffed by the browser, and sandboxed should it be opened anyway.
    const page = await uploadOne('alice', { name: '../../etc/evil.html', type: 'text/html', data: '<html><script>alert(1)</script></html>' });
    expect([page.name, page.contentType]).toEqual(['evil.html', 'text/plain']);
    const res = await download('alice', page.id);
    expect(res.headers.get('content-type')).toBe('text/plain');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(storedKeys()).toContain(page.id);
  });

  it('lets API keys in only with a matching scope', async () => {
    const keyOf = async (scopes: string[]) => {
      const created = await env.api.post('/api/v1/api-keys', { name: `files ${scopes.join(' ')}`, scopes }, env.tokens.admin);
      expect(created.status).toBe(201);
      return `ApiKey ${created.body.key}`;
    };
    const reporting = await keyOf(['user:read']);
    const refused = await upload(reporting, [{ name: 'k.txt', data: 'k' }]);
    expect([refused.status, refused.body.code]).toEqual([403, 'api_key_not_allowed']);
    expect((await env.api.request('GET', '/api/v1/files', { token: reporting })).status).toBe(403);
    const workspace = await keyOf(['workspace:read', 'workspace:write']);
    const stored = await upload(workspace, [{ name: 'k.txt', data: 'by key' }]);
    expect(stored.status).toBe(201);
    expect((await env.api.request('GET', '/api/v1/files', { token: workspace })).body.items.map((f: any) => f.id)).toContain(stored.body.items[0].id);
  });

  describe('attached to a request', () => {
    let key: string;
    beforeAll(async () => {
      key = await publish(env, [approval('one', [env.id('pete')])], {
        formSchema: { fields: [{ id: 'amount', label: 'Amount', type: 'number', required: true }, { id: 'files', label: 'Files', type: 'attachments' }] },
      });
    });
    const submit = (who: Who, form: Record<string, unknown>) => env.api.post(APPROVALS, { templateKey: key, form }, env.tokens[who]);

    it('is readable by those who may see the request, 404 for others and other tenants; it cannot be deleted', async () => {
      const file = await uploadOne('alice', { name: 'receipt.png', data: PNG });
      // The client's name for it is replaced by the stored one.
      const res = await submit('alice', { amount: 5, files: [{ fileId: file.id, name: 'whatever' }] });
      expect(res.status).toBe(202);
      const detail = await until(env, res.body.instanceId, (d) => d.tasks.some((t: any) => t.status === 'open'));
      expect(detail.form.files).toEqual([{ fileId: file.id, name: 'receipt.png', size: PNG.length }]);

      // The approver of the request may read it; an unrelated colleague may not.
      const asApprover = await download('pete', file.id);
      expect(asApprover.status).toBe(200);
      expect(Buffer.from(await asApprover.arrayBuffer()).equals(PNG)).toBe(true);
      // So may a manager whose data scope covers the initiator (carol heads alice's department tree)…
      expect((await download('carol', file.id)).status).toBe(200);
      // …but not a manager of another department.
      const asColleague = await download('fiona', file.id);
      expect([asColleague.status, ((await asColleague.json()) as any).code]).toEqual([404, 'file_not_found']);
      // Another tenant's administrator does not see it either.
      const other = await createTenant(env.rt);
      expect((await download(await tokenFor(env.rt, other.users.admin), file.id)).status).toBe(404);

      const del = await env.api.delete(`/api/v1/files/${file.id}`, env.tokens.alice);
      expect([del.status, del.body.code]).toEqual([409, 'file_in_use']);
      // Someone who may read it is still not its uploader.
      const byApprover = await env.api.delete(`/api/v1/files/${file.id}`, env.tokens.pete);
      expect([byApprover.status, byApprover.body.code]).toEqual([403, 'not_file_uploader']);
      expect((await download('alice', file.id)).status).toBe(200);
    });

    it("refuses another user's file id in a form (422 at the field) and starts nothing", async () => {
      const alices = await uploadOne('alice', { name: 'mine.txt', data: 'private' });
      const res = await submit('pete', { amount: 5, files: [{ fileId: alices.id, name: 'mine.txt' }] });
      expect([res.status, res.body.code]).toEqual([422, 'attachment_invalid']);
      expect(res.body.errors).toEqual([expect.objectContaining({ path: 'body.form.files[0]', code: 'file_not_found' })]);
      // Not referenced: alice may still delete it; pete never got to read it.
      expect((await download('pete', alices.id)).status).toBe(404);
      expect((await env.api.delete(`/api/v1/files/${alices.id}`, env.tokens.alice)).status).toBe(204);
    });
  });

  describe('attached to a to-do', () => {
    it("takes only the owner's uploads, and holds the file while it refers to it", async () => {
      const file = await uploadOne('alice', { name: 'notes.txt', data: 'todo notes' });
      const foreign = await env.api.post('/api/v1/todos', { title: 'Borrowed', attachments: [{ name: 'x', fileId: file.id }] }, env.tokens.pete);
      expect([foreign.status, foreign.body.code]).toEqual([422, 'attachment_invalid']);
      expect(foreign.body.errors).toEqual([expect.objectContaining({ path: 'body.attachments.0.fileId', code: 'file_not_found' })]);

      const todo = await env.api.post('/api/v1/todos', { title: 'With a file', attachments: [{ name: 'notes', fileId: file.id }] }, env.tokens.alice);
      expect(todo.status).toBe(201);
      expect((await env.api.delete(`/api/v1/files/${file.id}`, env.tokens.alice)).status).toBe(409);
      // Taking it off the to-do releases it.
      expect((await env.api.patch(`/api/v1/todos/${todo.body.id}`, { attachments: [] }, env.tokens.alice)).status).toBe(200);
      expect((await env.api.delete(`/api/v1/files/${file.id}`, env.tokens.alice)).status).toBe(204);
    });
  });
});
