/** Dictionaries: contracts and views. */
import { z } from 'zod';
import { PageQuery } from '../../common/pagination';
import { Name, QueryBool, SearchText, SortOrder, Uuid, iso } from '../../common/schema';
import type { DictionaryGroup, DictionaryItem, DictionaryLabels } from '../../db/entities';

/** The languages a label may be given in; `en` is required and is the fallback. */
export const DICTIONARY_LANGUAGES = ['en', 'zh-CN'] as const;
export const Language = z.enum(DICTIONARY_LANGUAGES);
export type Language = z.infer<typeof Language>;

/** Group and item codes: what templates (`optionsFrom.dictionary`) and submitted forms refer to. */
export const DictionaryCode = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, dash and underscore; starts with a letter or digit');

const Label = z.string().trim().min(1).max(200);
export const Labels = z.strictObject({ en: Label, 'zh-CN': Label.optional() });

// ---------------------------------------------------------------- groups

export const CreateDictionaryInput = z.strictObject({
  code: DictionaryCode,
  name: Name,
  description: z.string().trim().max(500).nullish(),
});
export type CreateDictionaryInput = z.input<typeof CreateDictionaryInput>;

export const UpdateDictionaryInput = z
  .strictObject({ name: Name.optional(), description: z.string().trim().max(500).nullish() })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'send at least one field to change' });
export type UpdateDictionaryInput = z.input<typeof UpdateDictionaryInput>;

export const DictionaryListQuery = PageQuery.extend({ q: SearchText });
export type DictionaryListQuery = z.output<typeof DictionaryListQuery>;

export const DictionaryView = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  /** A platform default: every tenant sees it; a tenant may add items to it but not change it. */
  platform: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type DictionaryView = z.infer<typeof DictionaryView>;

export const toDictionaryView = (g: DictionaryGroup): DictionaryView => ({
  id: g.id,
  code: g.code,
  name: g.name,
  description: g.description,
  platform: g.tenantId === null,
  createdAt: iso(g.createdAt)!,
  updatedAt: iso(g.updatedAt)!,
});

// ---------------------------------------------------------------- items

export const CreateDictionaryItemInput = z.strictObject({
  code: DictionaryCode,
  labels: Labels,
  sortOrder: SortOrder.default(0),
  enabled: z.boolean().default(true),
});
export type CreateDictionaryItemInput = z.input<typeof CreateDictionaryItemInput>;

export const UpdateDictionaryItemInput = z
  .strictObject({ labels: Labels.optional(), sortOrder: SortOrder.optional(), enabled: z.boolean().optional() })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'send at least one field to change' });
export type UpdateDictionaryItemInput = z.input<typeof UpdateDictionaryItemInput>;

export const DictionaryItemListQuery = PageQuery.extend({
  /** Only enabled items (what a form offers). */
  enabled: QueryBool.optional(),
});
export type DictionaryItemListQuery = z.output<typeof DictionaryItemListQuery>;

export const ItemParams = z.object({ id: Uuid, itemId: Uuid });

export const DictionaryItemView = z.object({
  id: z.string(),
  groupId: z.string(),
  code: z.string(),
  labels: Labels,
  sortOrder: z.number().int(),
  enabled: z.boolean(),
  /** A platform item: read-only for tenants. */
  platform: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type DictionaryItemView = z.infer<typeof DictionaryItemView>;

export const toDictionaryItemView = (i: DictionaryItem): DictionaryItemView => ({
  id: i.id,
  groupId: i.groupId,
  code: i.code,
  labels: i.labels,
  sortOrder: i.sortOrder,
  enabled: i.enabled,
  platform: i.tenantId === null,
  createdAt: iso(i.createdAt)!,
  updatedAt: iso(i.updatedAt)!,
});

/** The label to show: the requested language when the item has it, English otherwise. */
export const labelIn = (labels: DictionaryLabels, lang: Language): string => labels[lang] ?? labels.en;
