/**
 * Reading a multipart upload into temporary files, with the configured limits, and sniffing
 * what each file really is. Nothing here trusts the client: the content type comes from the
 * bytes, the name is cleaned, sizes are counted while streaming.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import busboy from 'busboy';
import { fromFile } from 'file-type';
import { AppError, ValidationError } from '../../common/errors';

export interface Incoming {
  /** The uploader's file name, cleaned (display only). */
  name: string;
  /** Where the bytes wait until they are stored. */
  tempPath: string;
  size: number;
  sha256: string;
  contentType: string;
}

export interface UploadLimits {
  maxBytes: number;
  maxFiles: number;
  tempDir: string;
}

/** The last path segment, without control characters; a name is shown, never used as a path. */
export function cleanFileName(raw: string | undefined): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 255);
  return clean && clean !== '.' && clean !== '..' ? clean : 'file';
}

/**
 * What the bytes are. Binary formats by their signatures (file-type); anything without one is
 * plain text only if it is valid UTF-8 with no NUL byte in its first 64 KB, else opaque binary.
 */
export async function sniffContentType(path: string): Promise<string> {
  const found = await fromFile(path);
  if (found) return found.mime;
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    if (bytesRead === 0) return 'application/octet-stream';
    const head = buf.subarray(0, bytesRead);
    if (head.includes(0)) return 'application/octet-stream';
    try {
      // stream: true tolerates a multi-byte character cut at the end of the sample.
      new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
      return 'text/plain';
    } catch {
      return 'application/octet-stream';
    }
  } finally {
    await handle.close();
  }
}

/** Remove temporary files (best effort: they live in a temp folder). */
export async function discard(files: Incoming[]): Promise<void> {
  await Promise.all(files.map((f) => rm(f.tempPath, { force: true }).catch(() => undefined)));
}

/**
 * Read every file part of a multipart/form-data body into temporary files. Too large or too
 * many files answer 413 after the body has been read (so the client sees the answer rather than
 * a reset connection); nothing is kept then.
 */
export async function receiveFiles(req: Readable, headers: IncomingHttpHeaders, limits: UploadLimits): Promise<Incoming[]> {
  if (!/^multipart\/form-data\b/i.test(headers['content-type'] ?? '')) {
    throw new AppError(415, 'multipart_required', 'Send the files as multipart/form-data');
  }
  await mkdir(limits.tempDir, { recursive: true });
  const bb = busboy({
    headers,
    defParamCharset: 'utf8',
    limits: { fileSize: limits.maxBytes, files: limits.maxFiles, fields: 20, fieldSize: 1024, parts: limits.maxFiles + 20 },
  });
  const files: Incoming[] = [];
  const writes: Promise<void>[] = [];
  let tooLarge: string | undefined;
  let tooMany = false;
  bb.on('file', (_field, stream, info) => {
    const entry: Incoming = { name: cleanFileName(info.filename), tempPath: join(limits.tempDir, `upload-${randomUUID()}`), size: 0, sha256: '', contentType: '' };
    files.push(entry);
    const hash = createHash('sha256');
    const count = new Transform({
      transform(chunk: Buffer, _enc, done) {
        entry.size += chunk.length;
        hash.update(chunk);
        done(null, chunk);
      },
    });
    stream.on('limit', () => (tooLarge ??= entry.name));
    writes.push(
      pipeline(stream, count, createWriteStream(entry.tempPath)).then(() => {
        entry.sha256 = hash.digest('hex');
      }),
    );
  });
  bb.on('filesLimit', () => (tooMany = true));
  try {
    await new Promise<void>((resolve, reject) => {
      bb.on('close', resolve);
      bb.on('error', reject);
      req.on('error', reject);
      req.pipe(bb);
    });
    await Promise.all(writes);
  } catch (err) {
    await Promise.allSettled(writes);
    await discard(files);
    throw new AppError(400, 'multipart_invalid', `The multipart body cannot be read: ${(err as Error).message}`);
  }
  if (tooLarge !== undefined || tooMany) {
    await discard(files);
    if (tooLarge !== undefined) {
      throw new AppError(413, 'file_too_large', `${tooLarge} is larger than the limit of ${limits.maxBytes} bytes`, undefined, { maxBytes: limits.maxBytes });
    }
    throw new AppError(413, 'too_many_files', `At most ${limits.maxFiles} files per upload`, undefined, { maxFiles: limits.maxFiles });
  }
  if (!files.length) throw new ValidationError('The upload holds no file', [{ path: 'body.file', message: 'send at least one file part', code: 'required' }], 'no_file');
  return files;
}
