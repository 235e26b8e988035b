/**
 * The S3 file store against an S3-compatible server on loopback (s3rver, a fake S3 that keeps
 * objects on disk). No MinIO or AWS runs here; this checks the store speaks S3 correctly:
 * path-style addressing to a custom endpoint, put with length and type, get, missing keys,
 * delete twice.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import S3rver from 's3rver';
import { S3FileStore, StoredObjectMissing } from '../../activities/files/store';
import { loadConfig, ConfigError } from '../../common/config';

const read = async (stream: Readable) => {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
};

describe('S3 file store (against s3rver on loopback)', () => {
  let server: S3rver;
  let store: S3FileStore;
  const dir = mkdtempSync(join(tmpdir(), 'signoff-s3-'));

  beforeAll(async () => {
    server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(dir, 'server'), configureBuckets: [{ name: 'signoff-files', configs: [] }] });
    const { port } = (await server.run()) as { port: number };
    store = new S3FileStore({
      bucket: 'signoff-files',
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${port}`,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
  });
  afterAll(async () => {
    store?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('puts, gets and deletes an object', async () => {
    const path = join(dir, 'upload');
    const bytes = Buffer.from('%PDF-1.4 pretend\n');
    writeFileSync(path, bytes);
    await store.putFile('tenant-1/file-1', path, { size: bytes.length, contentType: 'application/pdf' });
    expect((await read(await store.get('tenant-1/file-1'))).equals(bytes)).toBe(true);
    await store.delete('tenant-1/file-1');
    await expect(store.get('tenant-1/file-1')).rejects.toBeInstanceOf(StoredObjectMissing);
    // Deleting what is not there is not an error: deletes are retried.
    await expect(store.delete('tenant-1/file-1')).resolves.toBeUndefined();
  });

  it('refuses keys that could escape their place', async () => {
    await expect(store.get('../etc/passwd')).rejects.toThrow(/unsafe storage key/);
  });
});

describe('file store configuration', () => {
  it('needs a bucket for FILE_STORE=s3 and both halves of a key pair, and never echoes the secret', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ FILE_STORE: 's3', S3_SECRET_ACCESS_KEY: 'very-secret-value' });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems).toEqual(
      expect.arrayContaining(['S3_BUCKET (missing): is required when FILE_STORE=s3', 'S3_ACCESS_KEY_ID (missing): S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together']),
    );
    expect(error!.message).not.toContain('very-secret-value');
  });

  it('defaults to the local store under DATA_DIR/files with the allow-list parsed', () => {
    const c = loadConfig({ DATA_DIR: '/srv/signoff', FILE_ALLOWED_TYPES: 'image/png, Application/PDF' });
    expect(c.FILE_STORE).toBe('local');
    expect(c.fileDir).toBe('/srv/signoff/files');
    expect([...c.fileAllowedTypes]).toEqual(['image/png', 'application/pdf']);
  });
});
