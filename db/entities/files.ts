/**
 * Attachments: one row per stored file (the bytes live in the file store under `storageKey`), and
 * one row per place that refers to a file (a request, a to-do). Reads are authorised from those
 * references, and a file a request refers to can no longer be deleted.
 */
import { EntitySchema, OptionalProps } from '@mikro-orm/core';
import { createdAtColumn, idColumn, refColumn, tenantColumn } from './base';

export class StoredFile {
  [OptionalProps]?: 'createdAt';
  id!: string;
  tenantId!: string;
  uploaderId!: string;
  /** The name the uploader gave it (cleaned); only ever shown, never used as a path. */
  name!: string;
  size!: number;
  /** Sniffed from the bytes at upload, never the client's claim. */
  contentType!: string;
  sha256!: string;
  /** Where the store keeps the bytes (`<tenant>/<id>`). */
  storageKey!: string;
  createdAt = new Date();
}

export const StoredFileSchema = new EntitySchema<StoredFile>({
  class: StoredFile,
  tableName: 'files',
  indexes: [{ name: 'files_uploader_idx', properties: ['tenantId', 'uploaderId', 'createdAt'] }],
  properties: {
    id: idColumn,
    tenantId: tenantColumn,
    uploaderId: refColumn(),
    name: { type: 'string', length: 255 },
    size: { type: 'integer' },
    contentType: { type: 'string', length: 127 },
    sha256: { type: 'string', length: 64 },
    storageKey: { type: 'string', length: 255 },
    createdAt: createdAtColumn,
  },
});

export type FileReferenceKind = 'approval' | 'todo';

export class FileReference {
  [OptionalProps]?: 'createdAt';
  id!: string;
  tenantId!: string;
  fileId!: string;
  kind!: FileReferenceKind;
  /** The request's instance id or the to-do's id. */
  refId!: string;
  createdAt = new Date();
}

export const FileReferenceSchema = new EntitySchema<FileReference>({
  class: FileReference,
  tableName: 'file_references',
  uniques: [{ name: 'file_references_unique', properties: ['fileId', 'kind', 'refId'] }],
  indexes: [{ name: 'file_references_target_idx', properties: ['tenantId', 'kind', 'refId'] }],
  properties: {
    id: idColumn,
    tenantId: tenantColumn,
    fileId: refColumn(),
    kind: { type: 'string', length: 16 },
    refId: refColumn(),
    createdAt: createdAtColumn,
  },
});
