/**
 * The form part of the template DSL: field ids, field types and the form schema a template
 * declares (what the initiator fills). Split from template.ts by concern; template.ts re-exports it.
 * Shape only, like the rest of the DSL: the meaning is checked at publish time.
 */
import { z } from 'zod';

/** Form field ids: used in `form.<id>` references, so no dots or dashes. */
export const FieldId = z
  .string()
  .max(64)
  .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'letters, digits and _, starting with a letter');

/** A display name: a step's, a field's, an option's. */
export const Name = z.string().trim().min(1).max(200);

// ───────────────────────────────────────────── form schema

export const FIELD_TYPES = ['text', 'textarea', 'number', 'money', 'date', 'dateRange', 'select', 'multiSelect', 'user', 'department', 'attachments'] as const;
export const FieldType = z.enum(FIELD_TYPES);
export type FieldType = z.infer<typeof FieldType>;

export const FieldOption = z.strictObject({
  value: z.string().trim().min(1).max(100),
  label: z.string().trim().min(1).max(200),
});

/**
 * One form field. `min`/`max` mean: text length (text, textarea), value (number, money), number
 * of days (dateRange), number of items (multiSelect, attachments, multiple user/department).
 */
export const FormField = z.strictObject({
  id: FieldId,
  label: Name,
  type: FieldType,
  required: z.boolean().default(false),
  description: z.string().trim().max(500).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  /** select / multiSelect only. */
  options: z.array(FieldOption).max(200).optional(),
  /**
   * select / multiSelect only, instead of `options`: the enabled items of a tenant or platform
   * dictionary (by group code). Resolved to `options` outside the workflow, when the form is
   * served and when a submission is checked.
   */
  optionsFrom: z
    .strictObject({
      dictionary: z
        .string()
        .trim()
        .min(1)
        .max(64)
        .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a dictionary code'),
    })
    .optional(),
  /** user / department only: a list instead of one id. */
  multiple: z.boolean().optional(),
  /** money only: ISO 4217 code shown next to the amount. */
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR')
    .optional(),
});
export type FormField = z.infer<typeof FormField>;

export const FormSchema = z.strictObject({ fields: z.array(FormField).max(100).default([]) });
export type FormSchema = z.infer<typeof FormSchema>;
