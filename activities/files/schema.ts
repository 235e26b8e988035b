/** Attachments: contracts and views. */
import { z } from 'zod';
import { PageQuery } from '../../common/pagination';
import type { StoredFile } from '../../db/entities';

export const FILES_PREFIX = '/api/v1/files';

export const FileListQuery = PageQuery;
export type FileListQuery = z.infer<typeof FileListQuery>;

export const FileView = z.object({
  id: z.string(),
  name: z.string(),
  size: z.number().int(),
  /** Sniffed from the bytes at upload. */
  contentType: z.string(),
  sha256: z.string(),
  uploaderId: z.string(),
  createdAt: z.string(),
  /** Where to download it (authorised per caller). */
  url: z.string(),
});
export type FileView = z.infer<typeof FileView>;

export const UploadResult = z.object({ items: z.array(FileView) });

export const toFileView = (f: StoredFile): FileView => ({
  id: f.id,
  name: f.name,
  size: f.size,
  contentType: f.contentType,
  sha256: f.sha256,
  uploaderId: f.uploaderId,
  createdAt: f.createdAt.toISOString(),
  url: `${FILES_PREFIX}/${f.id}`,
});
