export * from './user';
export * from './permission';
export * from './auth';
export * from './support';
export * from './approval';
export * from './approval-runtime';
export * from './onboarding';
export * from './files';
export * from './dictionary';
export * from './package';
export * from './platform';
export * from './parameters';

import { TenantSchema, DepartmentSchema, PositionSchema, UserSchema } from './user';
import { PermissionSchema, RoleSchema, RolePermissionSchema, RoleDepartmentSchema, UserRoleSchema, MenuSchema } from './permission';
import { RefreshTokenSchema, ApiKeySchema, LoginLogSchema } from './auth';
import {
  InAppMessageSchema,
  MailDeliverySchema,
  AuditLogSchema,
  AuditChangeSchema,
  TodoSchema,
  DailyPlanSchema,
  DailyPlanItemSchema,
  AnnouncementSchema,
  AnnouncementTargetSchema,
  AnnouncementReadSchema,
  NotificationPreferenceSchema,
  NotificationDeliverySchema,
} from './support';
import { ApprovalTemplateSchema, ApprovalTemplateVersionSchema, ApprovalSerialCounterSchema, ApprovalSerialSchema, ApprovalTemplateManagerSchema } from './approval';
import { ApprovalInstanceSchema, ApprovalTaskSchema, ApprovalEventSchema } from './approval-runtime';
import { OnboardingTodoLinkSchema } from './onboarding';
import { FileReferenceSchema, StoredFileSchema } from './files';
import { DictionaryGroupSchema, DictionaryItemSchema } from './dictionary';
import { PackageSchema, QuotaClaimSchema } from './package';
import { TenantAdminInvitationSchema } from './platform';
import { TenantParameterSchema } from './parameters';

/** Every entity, registered explicitly (no folder scanning: works the same in ts, jest and dist). */
export const allEntities = [
  TenantSchema,
  DepartmentSchema,
  PositionSchema,
  UserSchema,
  PermissionSchema,
  RoleSchema,
  RolePermissionSchema,
  RoleDepartmentSchema,
  UserRoleSchema,
  MenuSchema,
  RefreshTokenSchema,
  ApiKeySchema,
  LoginLogSchema,
  InAppMessageSchema,
  MailDeliverySchema,
  AuditLogSchema,
  AuditChangeSchema,
  TodoSchema,
  DailyPlanSchema,
  DailyPlanItemSchema,
  AnnouncementSchema,
  AnnouncementTargetSchema,
  AnnouncementReadSchema,
  NotificationPreferenceSchema,
  NotificationDeliverySchema,
  ApprovalTemplateSchema,
  ApprovalTemplateVersionSchema,
  ApprovalSerialCounterSchema,
  ApprovalSerialSchema,
  ApprovalTemplateManagerSchema,
  ApprovalInstanceSchema,
  ApprovalTaskSchema,
  ApprovalEventSchema,
  OnboardingTodoLinkSchema,
  StoredFileSchema,
  FileReferenceSchema,
  DictionaryGroupSchema,
  DictionaryItemSchema,
  PackageSchema,
  QuotaClaimSchema,
  TenantAdminInvitationSchema,
  TenantParameterSchema,
];
