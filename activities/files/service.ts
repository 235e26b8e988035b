/**
 * Attachments: upload, list one's own, download where allowed, delete while unused, and the
 * checks other modules make before they refer to a file (approval forms, to-dos).
 *
 * Who may read a file follows where it is referenced: its uploader; anyone who may see a
 * request that refers to it (the approval service's `visible()`); the owner of a to-do that
 * refers to it. Anyone else, and anyone of another tenant, gets "not found".
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Runtime } from '../runtime';
import type { Actor } from '../../common/actor';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldError } from '../../common/errors';
import { newId } from '../../common/ids';
import { offsetOf, pageOf, type Page } from '../../common/pagination';
import { FileReference, StoredFile, Tenant, Todo, type FileReferenceKind } from '../../db/entities';
import { admitQuota, checkQuota } from '../package/quotas';
import type { FormSchema } from '../../workflows/approval/dsl';
import { fileStoreFor, type FileStore } from './store';
import { discard, receiveFiles, sniffContentType } from './upload';
import { toFileView, type FileListQuery, type FileView } from './schema';

/** A file id a submission refers to, and where (for field errors). */
export interface FileUse {
  path: string;
  fileId: string;
}

export class FileService {
  readonly store: FileStore;

  constructor(private readonly rt: Runtime, store?: FileStore) {
    this.store = store ?? fileStoreFor(rt.config);
  }

  // ─────────────────────────────────────────── upload

  /** Store every file of a multipart body; all or nothing. */
  async upload(actor: Actor, req: Readable, headers: IncomingHttpHeaders): Promise<{ items: FileView[] }> {
    const { config } = this.rt;
    // Local store: receive next to the final place so storing is a rename on the same disk.
    const tempDir = this.store.kind === 'local' ? join(config.fileDir, '.incoming') : join(tmpdir(), 'signoff-uploads');
    const incoming = await receiveFiles(req, headers, { maxBytes: config.FILE_MAX_BYTES, maxFiles: config.FILE_MAX_COUNT, tempDir });
    const stored: string[] = [];
    try {
      const problems: FieldError[] = [];
      for (const [i, f] of incoming.entries()) {
        f.contentType = await sniffContentType(f.tempPath);
        if (!config.fileAllowedTypes.has(f.contentType)) {
          problems.push({ path: `body.files.${i}`, message: `${f.name}: ${f.contentType} is not an accepted type`, code: 'file_type_not_allowed' });
        }
      }
      if (problems.length) throw new ValidationError('These files are of a type that is not accepted', problems, 'file_type_not_allowed');
      // A first look at the storage quota before the bytes go to the store (advisory: checked again below).
      const adding = incoming.reduce((sum, f) => sum + f.size, 0);
      const em = this.rt.orm.em.fork();
      await checkQuota(em, await em.findOneOrFail(Tenant, { id: actor.tenantId }), 'storageBytes', adding);
      const pending: { id: string; storageKey: string; f: (typeof incoming)[number] }[] = [];
      for (const f of incoming) {
        const id = newId();
        const storageKey = `${actor.tenantId}/${id}`;
        await this.store.putFile(storageKey, f.tempPath, { size: f.size, contentType: f.contentType });
        stored.push(storageKey);
        pending.push({ id, storageKey, f });
      }
      // The rows are written under the tenant lock, after the storage quota is counted again, so
      // concurrent uploads cannot together go over it; refused, the bytes stored are removed below.
      const rows = await em.transactional(async (tx) => {
        await admitQuota(tx, actor.tenantId, 'storageBytes', adding);
        return pending.map(({ id, storageKey, f }) =>
          tx.create(StoredFile, { id, tenantId: actor.tenantId, uploaderId: actor.userId, name: f.name, size: f.size, contentType: f.contentType, sha256: f.sha256, storageKey }),
        );
      });
      return { items: rows.map(toFileView) };
    } catch (err) {
      // Bytes stored without a row would be orphans nobody can reach or delete.
      await Promise.all(stored.map((key) => this.store.delete(key).catch((e: unknown) => this.rt.log.warn({ err: e, key }, 'could not remove an unsaved upload'))));
      throw err;
    } finally {
      await discard(incoming);
    }
  }

  // ─────────────────────────────────────────── read

  async listMine(actor: Actor, q: FileListQuery): Promise<Page<FileView>> {
    const [rows, total] = await this.rt.orm.em
      .fork()
      .findAndCount(StoredFile, { tenantId: actor.tenantId, uploaderId: actor.userId }, { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], ...offsetOf(q) });
    return pageOf(rows.map(toFileView), total, q);
  }

  /** The file if the caller may read it (see the module comment); "not found" otherwise. */
  async readable(actor: Actor, id: string): Promise<StoredFile> {
    const em = this.rt.orm.em.fork();
    const file = await em.findOne(StoredFile, { tenantId: actor.tenantId, id });
    if (!file) throw new NotFoundError('file', id);
    if (file.uploaderId === actor.userId) return file;
    const refs = await em.find(FileReference, { tenantId: actor.tenantId, fileId: id });
    for (const ref of refs) {
      if (ref.kind === 'todo' && (await em.count(Todo, { tenantId: actor.tenantId, id: ref.refId, userId: actor.userId }))) return file;
      if (ref.kind === 'approval') {
        try {
          await this.rt.services.approvals.visible(actor, ref.refId);
          return file;
        } catch (err) {
          if (!(err instanceof NotFoundError)) throw err;
        }
      }
    }
    throw new NotFoundError('file', id);
  }

  async open(actor: Actor, id: string): Promise<{ file: FileView; stream: Readable }> {
    const file = await this.readable(actor, id);
    return { file: toFileView(file), stream: await this.store.get(file.storageKey) };
  }

  // ─────────────────────────────────────────── delete

  /** The uploader deletes a file nothing refers to; a file in use stays (409 `file_in_use`). */
  async remove(actor: Actor, id: string): Promise<void> {
    const file = await this.readable(actor, id);
    if (file.uploaderId !== actor.userId) throw new ForbiddenError('not_file_uploader', 'Only the person who uploaded a file can delete it');
    await this.rt.orm.em.fork().transactional(async (tx) => {
      // The row lock orders this against a submission referring to the file at the same time.
      const locked = await tx.findOne(StoredFile, { tenantId: actor.tenantId, id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!locked) throw new NotFoundError('file', id);
      const refs = await tx.find(FileReference, { tenantId: actor.tenantId, fileId: id });
      if (refs.length) {
        const where = refs.some((r) => r.kind === 'approval') ? 'an approval request' : 'a to-do';
        throw new ConflictError('file_in_use', `The file is attached to ${where} and cannot be deleted`);
      }
      tx.remove(locked);
    });
    // After the commit: a failed delete leaves unreachable bytes (logged), never a row without bytes.
    await this.store.delete(file.storageKey).catch((err: unknown) => this.rt.log.warn({ err, key: file.storageKey }, 'stored bytes of a deleted file were not removed'));
  }

  // ─────────────────────────────────────────── references

  /** Where a submission of this form names files: `form.<field>[i]`. */
  formUses(formSchema: FormSchema, data: Record<string, unknown>): FileUse[] {
    return formSchema.fields
      .filter((f) => f.type === 'attachments')
      .flatMap((f) => {
        const list = data[f.id];
        return Array.isArray(list) ? list.map((a, i) => ({ path: `form.${f.id}[${i}]`, fileId: String((a as { fileId: unknown }).fileId) })) : [];
      });
  }

  /**
   * Every file named must be one the caller uploaded in their tenant (422 at the field
   * otherwise, code `file_not_found`). Returns the files by id.
   */
  async assertOwn(actor: Actor, uses: FileUse[], message = 'Attachments must be files you uploaded'): Promise<Map<string, StoredFile>> {
    if (!uses.length) return new Map();
    const ids = [...new Set(uses.map((u) => u.fileId))];
    const rows = await this.rt.orm.em.fork().find(StoredFile, { tenantId: actor.tenantId, uploaderId: actor.userId, id: { $in: ids } });
    const byId = new Map(rows.map((f) => [f.id, f]));
    const problems = uses.filter((u) => !byId.has(u.fileId)).map((u) => ({ path: u.path, message: 'no file with this id uploaded by you', code: 'file_not_found' }));
    if (problems.length) throw new ValidationError(message, problems, 'attachment_invalid');
    return byId;
  }

  /** The form with each attachment's name and size taken from the stored file, not the client. */
  canonicalForm(formSchema: FormSchema, data: Record<string, unknown>, files: Map<string, StoredFile>): Record<string, unknown> {
    const out = { ...data };
    for (const f of formSchema.fields) {
      if (f.type !== 'attachments' || !Array.isArray(out[f.id])) continue;
      out[f.id] = (out[f.id] as { fileId: string }[]).map((a) => {
        const file = files.get(a.fileId);
        return file ? { fileId: file.id, name: file.name, size: file.size } : a;
      });
    }
    return out;
  }

  /**
   * Record that `kind`/`refId` refers to these files (idempotent). Returns the references it
   * added, so a caller whose next step fails can take back exactly those.
   */
  async reference(tenantId: string, fileIds: string[], kind: FileReferenceKind, refId: string): Promise<string[]> {
    const ids = [...new Set(fileIds)];
    if (!ids.length) return [];
    return this.rt.orm.em.fork().transactional(async (tx) => {
      const files = await tx.find(StoredFile, { tenantId, id: { $in: ids } }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const missing = ids.filter((id) => !files.some((f) => f.id === id));
      if (missing.length) throw new ConflictError('file_deleted', `These files were deleted meanwhile: ${missing.join(', ')}`);
      const existing = new Set((await tx.find(FileReference, { tenantId, kind, refId, fileId: { $in: ids } })).map((r) => r.fileId));
      const added = ids.filter((id) => !existing.has(id)).map((fileId) => tx.create(FileReference, { id: newId(), tenantId, fileId, kind, refId }));
      try {
        await tx.flush();
      } catch (err) {
        // A concurrent retry of the same submission added them first: they are referenced.
        if (err instanceof UniqueConstraintViolationException) return [];
        throw err;
      }
      return added.map((r) => r.id);
    });
  }

  /** Drop references: the given ones, or every reference of `kind`/`refId` outside `keepFileIds`. */
  async unreference(tenantId: string, target: { referenceIds: string[] } | { kind: FileReferenceKind; refId: string; keepFileIds?: string[] }): Promise<void> {
    const em = this.rt.orm.em.fork();
    if ('referenceIds' in target) {
      if (target.referenceIds.length) await em.nativeDelete(FileReference, { tenantId, id: { $in: target.referenceIds } });
      return;
    }
    await em.nativeDelete(FileReference, {
      tenantId,
      kind: target.kind,
      refId: target.refId,
      ...(target.keepFileIds?.length ? { fileId: { $nin: target.keepFileIds } } : {}),
    });
  }
}
