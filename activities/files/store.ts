/**
 * Where the bytes of attachments live, behind one small interface: a folder on local disk (the
 * embedded default, under DATA_DIR/files) or a bucket of an S3-compatible service (production:
 * AWS S3 or MinIO). Keys are chosen by the file service (`<tenant>/<file id>`), never by clients.
 */
import { createReadStream } from 'node:fs';
import { mkdir, rename, copyFile, rm, stat } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { AppConfig } from '../../common/config';

export interface FileStore {
  readonly kind: 'local' | 's3';
  /** Store the content of a local (temporary) file under `key`; the temporary file may be moved. */
  putFile(key: string, path: string, meta: { size: number; contentType: string }): Promise<void>;
  /** The bytes under `key`, as a stream; throws StoredObjectMissing when there are none. */
  get(key: string): Promise<Readable>;
  /** Remove `key`; nothing stored there is not an error (deletes are retried). */
  delete(key: string): Promise<void>;
}

export class StoredObjectMissing extends Error {
  constructor(key: string) {
    super(`no stored object ${key}`);
    this.name = 'StoredObjectMissing';
  }
}

const SAFE_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

function checkKey(key: string): string {
  // Keys come from ids, but the check keeps a bug from ever writing outside the store's folder.
  if (!SAFE_KEY.test(key) || key.includes('..')) throw new Error(`unsafe storage key ${JSON.stringify(key)}`);
  return key;
}

export class LocalFileStore implements FileStore {
  readonly kind = 'local' as const;
  constructor(private readonly root: string) {}

  private pathOf(key: string): string {
    const path = resolve(this.root, checkKey(key));
    if (!path.startsWith(this.root + sep)) throw new Error(`storage key ${key} leaves the store`);
    return path;
  }

  async putFile(key: string, path: string): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(dirname(target), { recursive: true });
    try {
      await rename(path, target);
    } catch (err) {
      // Another file system (the temp folder elsewhere): copy instead of moving.
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      await copyFile(path, target);
    }
  }

  async get(key: string): Promise<Readable> {
    const path = this.pathOf(key);
    try {
      await stat(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new StoredObjectMissing(key);
      throw err;
    }
    return createReadStream(path);
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }
}

export interface S3StoreOptions {
  bucket: string;
  region: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export class S3FileStore implements FileStore {
  readonly kind = 's3' as const;
  private readonly client: S3Client;
  constructor(private readonly opts: S3StoreOptions) {
    this.client = new S3Client({
      region: opts.region,
      ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
      forcePathStyle: opts.forcePathStyle ?? false,
      ...(opts.credentials ? { credentials: opts.credentials } : {}),
      // The SDK's default (since 3.729) sends streamed bodies aws-chunked with a trailing CRC32;
      // S3-compatible servers that do not know that encoding store the chunk framing as the
      // file's bytes (seen with s3rver, older MinIO). Off a custom endpoint, checksum only where
      // S3 requires one; against AWS itself keep the default.
      ...(opts.endpoint ? { requestChecksumCalculation: 'WHEN_REQUIRED' as const, responseChecksumValidation: 'WHEN_REQUIRED' as const } : {}),
    });
  }

  async putFile(key: string, path: string, meta: { size: number; contentType: string }): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.opts.bucket, Key: checkKey(key), Body: createReadStream(path), ContentLength: meta.size, ContentType: meta.contentType }),
    );
  }

  async get(key: string): Promise<Readable> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.opts.bucket, Key: checkKey(key) }));
      return out.Body as Readable;
    } catch (err) {
      if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') throw new StoredObjectMissing(key);
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    // S3 answers 204 for a key that is not there: deleting twice is fine.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.opts.bucket, Key: checkKey(key) }));
  }

  close(): void {
    this.client.destroy();
  }
}

/** The store the configuration names (validated at start: FILE_STORE=s3 needs S3_BUCKET). */
export function fileStoreFor(config: AppConfig): FileStore {
  if (config.FILE_STORE === 's3') {
    return new S3FileStore({
      bucket: config.S3_BUCKET!,
      region: config.S3_REGION,
      endpoint: config.S3_ENDPOINT,
      forcePathStyle: config.S3_FORCE_PATH_STYLE,
      credentials: config.S3_ACCESS_KEY_ID ? { accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY! } : undefined,
    });
  }
  return new LocalFileStore(config.fileDir);
}
