/**
 * The one catalogue of problem `code`s the API answers. `AppError` and its subclasses accept only
 * a code from here (and, for the subclasses, only one whose status matches), so `tsc` rejects a
 * new code until it is described; codes produced at run time (a workflow's failure type) are
 * checked with `knownErrorCode` and fall back to a generic catalogued code. `GET /api/v1/errors`
 * serves this table, so client developers can map every code. Codes are public contract: never
 * rename or remove one, add a new one instead.
 *
 * A few codes are answered with more than one status (`alsoStatus`): the code is what clients
 * should branch on, the status says how the request failed in HTTP terms.
 */
import { z } from 'zod';

export interface ErrorCodeEntry {
  /** The HTTP status the code is answered with. */
  readonly status: number;
  /** Other statuses the same code is answered with in some situations (see the description). */
  readonly alsoStatus?: readonly number[];
  /** One sentence for client developers: when it happens and what to do. */
  readonly description: string;
}

/**
 * Process resources (ProcessDefinition.resource): each process may answer `<resource>_not_found`,
 * `<resource>_exists` (a second start with a taken business key) and `<resource>_closed`
 * (an action on a run that has finished).
 */
export const PROCESS_RESOURCES = {
  approval: 'approval request',
  onboarding: 'onboarding',
  provisioning: 'provisioning',
  grant_role: 'role grant',
  reminder: 'to-do reminder',
  digest: 'digest',
  reconcile: 'reconciliation',
  audit_purge: 'audit purge',
  tenant_onboarding: 'tenant onboarding',
  tenant_deletion: 'tenant deletion',
} as const;
export type ProcessResource = keyof typeof PROCESS_RESOURCES;

type ProcessCodes = { [R in ProcessResource as `${R}_not_found`]: { status: 404; description: string } } & {
  [R in ProcessResource as `${R}_exists` | `${R}_closed`]: { status: 409; description: string };
};

function processCodes(): ProcessCodes {
  const out: Record<string, { status: 404 | 409; description: string }> = {};
  for (const [resource, label] of Object.entries(PROCESS_RESOURCES)) {
    out[`${resource}_not_found`] = { status: 404, description: `No ${label} process with this id exists in your tenant (or you may not see it).` };
    out[`${resource}_exists`] = { status: 409, description: `A ${label} process with the same business key already ran; the problem's workflowId names it.` };
    out[`${resource}_closed`] = { status: 409, description: `The ${label} process has already finished, so it no longer accepts this action.` };
  }
  return out as ProcessCodes;
}

/** Things `NotFoundError(resource)` reports as `<resource>_not_found`. */
const notFound = (what: string): ErrorCodeEntry => ({ status: 404, description: `No ${what} with this id exists in your tenant (or you may not see it).` });

const CODES = {
  // ── generic request problems
  validation_failed: { status: 422, description: 'The request failed validation; `errors` lists each field (`path`, `message`, and a free-form `code`).' },
  bad_request: { status: 400, description: 'The request cannot be read (for example a malformed header or parameter).' },
  malformed_json: { status: 400, description: 'The request body is not valid JSON.' },
  payload_too_large: { status: 413, description: 'The request body is larger than the server accepts.' },
  unsupported_media_type: { status: 415, description: 'The request body has a content type this endpoint does not accept; send application/json.' },
  route_not_found: { status: 404, description: 'No endpoint exists for this method and path.' },
  invalid_cursor: { status: 400, description: 'The pagination cursor is malformed or belongs to another listing; start again from the first page.' },
  duplicate: { status: 409, description: 'A record with the same unique value already exists.' },
  internal_error: { status: 500, description: 'An unexpected error on our side; quote the requestId when reporting it.' },
  dependency_unavailable: { status: 503, description: 'A store the API depends on (database, session store) is unreachable; retry after Retry-After seconds.' },
  rate_limited: { status: 429, description: 'Too many requests from this address or key; retry after Retry-After seconds.' },
  workflow_not_found: { status: 404, description: 'The workflow execution behind this resource does not exist.' },
  workflow_already_started: { status: 409, description: 'A workflow execution with the same id is already running.' },
  update_rejected: { status: 422, description: 'A running process refused the action without a more specific reason.' },

  // ── authentication and sessions
  unauthorized: { status: 401, description: 'Authentication is required: send a valid access token or API key.' },
  invalid_credentials: { status: 401, description: 'The tenant, user name or password is wrong (deliberately not saying which).' },
  login_locked: { status: 429, description: 'Too many failed logins for this account; retry after Retry-After seconds.' },
  account_disabled: { status: 401, alsoStatus: [403], description: 'The user account is disabled or deleted: 401 for a token or refresh token of it, 403 at login with the right password.' },
  tenant_disabled: { status: 401, alsoStatus: [403], description: 'The tenant is disabled: 401 for a token or refresh token in it, 403 at login with the right password.' },
  tenant_suspended: {
    status: 401,
    alsoStatus: [403],
    description: 'A platform operator suspended the tenant: its tokens and API keys are refused (401), and a login with the right password is 403. Running processes go on; ask the platform to resume it.',
  },
  token_invalid: { status: 401, description: 'The access token is malformed, wrongly signed or not for this API; log in again.' },
  token_expired: { status: 401, description: 'The access token has expired; refresh it.' },
  token_revoked: { status: 401, description: 'The session of this access token was logged out or revoked; log in again.' },
  refresh_token_invalid: { status: 401, description: 'The refresh token is unknown or malformed; log in again.' },
  refresh_token_expired: { status: 401, description: 'The refresh token has expired; log in again.' },
  refresh_token_reused: { status: 401, description: 'An already used refresh token was presented again, so its whole session was revoked; log in again.' },
  api_key_invalid: { status: 401, description: 'The API key is unknown or malformed.' },
  api_key_expired: { status: 401, description: 'The API key has passed its expiry date.' },
  api_key_revoked: { status: 401, description: 'The API key has been revoked.' },
  session_required: { status: 403, description: 'This action (changing a password) needs a signed-in session, not an API key.' },
  wrong_password: { status: 422, description: 'The current password given to change the password is wrong.' },
  invalid_activation_token: { status: 404, description: 'The activation link is unknown, expired or already used.' },
  expires_in_past: { status: 422, description: 'The expiry date given is not in the future.' },

  // ── rights
  forbidden: { status: 403, description: 'You are not allowed to do this.' },
  permission_denied: { status: 403, description: 'You lack the permission this action needs (the x-permission of the endpoint).' },
  api_key_not_allowed: { status: 403, description: 'API keys cannot call this endpoint, or the key lacks the scope it needs.' },
  permission_escalation: { status: 403, description: 'You cannot give a role holding permissions you do not hold yourself.' },
  scope_escalation: { status: 403, description: 'You cannot give rights over a wider data scope than your own.' },
  user_outranks_actor: { status: 403, description: 'The target user holds rights you do not hold, so you cannot change them.' },
  codec_operator_only: { status: 403, description: 'Decoding Temporal payloads needs an operator\'s access token, not an API key.' },
  codec_unknown_namespace: { status: 400, description: 'The Temporal payload codec does not serve this namespace.' },
  payload_decode_failed: { status: 400, description: 'The Temporal payloads cannot be decoded with the keys of this deployment.' },
  not_file_uploader: { status: 403, description: 'Only the person who uploaded the file can delete it.' },
  cannot_delete_self: { status: 422, description: 'You cannot delete your own account.' },
  cannot_disable_self: { status: 422, description: 'You cannot disable your own account.' },
  cannot_remove_own_admin: { status: 422, description: 'You cannot remove your own administrator role.' },
  last_tenant_admin: { status: 409, description: 'The change would leave the tenant without an active administrator.' },

  // ── directory, users, roles, menus, tenants
  email_taken: { status: 409, description: 'Another user in the tenant already uses this e-mail address.' },
  username_taken: { status: 409, description: 'Another user in the tenant already uses this user name.' },
  department_not_empty: { status: 409, description: 'The department still has members or sub-departments; move them first.' },
  position_code_taken: { status: 409, description: 'Another position in the tenant already uses this code.' },
  position_in_use: { status: 409, description: 'Users still hold the position; the problem\'s `users` member says how many.' },
  role_builtin: { status: 409, description: 'Built-in roles cannot be changed or deleted.' },
  role_code_taken: { status: 409, description: 'Another role in the tenant already uses this code.' },
  role_in_use: { status: 409, description: 'Users still hold the role; remove it from them first or delete with force=true.' },
  menu_has_children: { status: 409, description: 'The menu still has child menus; delete or move them first.' },
  menu_key_taken: { status: 409, description: 'Another menu already uses this key.' },
  tenant_code_taken: { status: 409, description: 'A tenant with this code already exists (or the code is reserved); choose another code.' },
  tenant_state_invalid: { status: 409, description: 'The tenant is not in a state that allows this action (suspend needs active, resume and delete need suspended).' },
  quota_below_usage: { status: 409, description: 'The package\'s quota is below what the tenant already uses; the problem\'s `quota`, `limit`, `usage` (and `tenant`) say which.' },
  user_quota_exceeded: { status: 409, description: 'No longer answered: a full user quota is `quota_exceeded` with `quota: "users"`.' },
  quota_exceeded: { status: 409, description: 'The tenant\'s package allows no more of this; the problem\'s `quota` (users, templates, storageBytes, runningApprovals), `limit` and `usage` say which. A platform operator can assign a larger package.' },
  package_code_taken: { status: 409, description: 'Another package already uses this code.' },
  already_onboarded: { status: 409, description: 'This user has already been onboarded in the tenant; the problem\'s `id` names the onboarding.' },
  already_provisioned: { status: 409, description: 'This user has already been provisioned in the tenant; the problem\'s `workflowId` names the run.' },
  onboarding_unavailable: { status: 503, description: 'Onboarding cannot be started right now because the process engine is unreachable; retry shortly.' },
  scheduler_unavailable: { status: 503, description: 'The scheduler cannot be reached, so the schedule could not be read or changed; retry shortly.' },

  // ── files
  multipart_required: { status: 415, description: 'Uploads must be sent as multipart/form-data.' },
  multipart_invalid: { status: 400, description: 'The multipart body cannot be read.' },
  file_too_large: { status: 413, description: 'A file is larger than the upload limit (maxBytes in the problem).' },
  too_many_files: { status: 413, description: 'The upload holds more files than allowed (maxFiles in the problem).' },
  no_file: { status: 422, description: 'The upload holds no file part.' },
  file_type_not_allowed: { status: 422, description: 'The file type is not allowed for uploads.' },
  file_deleted: { status: 409, description: 'The file has been deleted.' },
  file_in_use: { status: 409, description: 'The file is attached to something and cannot be deleted.' },
  attachment_invalid: { status: 422, description: 'An attachment id is unknown, not yours, or not usable here.' },

  // ── dictionaries
  dictionary_code_taken: { status: 409, description: 'A dictionary with this code already exists for the tenant or the platform.' },
  dictionary_item_code_taken: { status: 409, description: 'The dictionary already has an item with this code.' },
  dictionary_platform_readonly: { status: 403, description: 'Platform dictionaries and their items are read-only; add items of your own instead.' },

  // ── announcements, messages, to-dos
  announcement_already_published: { status: 409, description: 'The announcement has already been published.' },
  announcement_published: { status: 409, description: 'The audience of a published announcement cannot change.' },
  dedupe_key_conflict: { status: 409, description: 'This deduplication key is already in use; choose another.' },
  no_recipients: { status: 422, description: 'The message or announcement would reach nobody.' },

  // ── approval templates
  template_invalid: { status: 422, description: 'The template definition is not valid; `errors` says where.' },
  template_disabled: { status: 409, description: 'The template is disabled: no new requests can start from it.' },
  template_key_immutable: { status: 409, description: 'The key of a template cannot change once it has been published.' },
  template_key_taken: { status: 409, description: 'Another template in the tenant already uses this key.' },
  template_not_published: { status: 409, description: 'The template has no published version yet.' },
  template_publish_conflict: { status: 409, description: 'Someone else published the template at the same time; reload and try again.' },
  template_published: { status: 409, description: 'A published template version cannot be changed; edit the draft instead.' },
  template_unchanged: { status: 409, description: 'The draft is the same as the published version, so there is nothing to publish.' },
  template_version_missing: { status: 409, description: 'The template version of this request no longer exists, so its progress graph cannot be drawn.' },
  template_not_startable: { status: 403, description: 'You may not start requests from this template (it is restricted to other people).' },

  // ── approval requests (the REJECTIONS of workflows/approval/contract.ts and the service's own)
  menu_cycle: { status: 422, description: 'A menu entry cannot be moved below itself or one of its descendants.' },
  department_cycle: { status: 422, description: 'A department cannot be moved under itself or one of its descendants.' },
  department_too_deep: { status: 422, description: 'The move or creation would nest departments deeper than allowed.' },
  too_many_recipients: { status: 422, description: 'The message expands to more recipients than allowed; publish an announcement instead.' },
  form_invalid: { status: 422, description: 'The request form does not satisfy the template; `errors` names the fields.' },
  initiator_cannot_approve: { status: 422, description: 'The initiator of a request cannot be handed or added to one of its tasks.' },
  task_not_found: { status: 404, description: 'The request has no such task.' },
  task_not_open: { status: 409, description: 'The task has already been completed or withdrawn.' },
  not_task_holder: { status: 422, description: 'The task is not assigned to you.' },
  action_not_allowed: { status: 422, description: 'The template or the current step does not allow this action.' },
  not_initiator: { status: 422, description: 'Only the person who started the request may do this.' },
  not_participant: { status: 422, description: 'Only the initiator and the people asked may do this (for example, comment).' },
  instance_finished: { status: 409, description: 'The request is already finished.' },
  instance_not_running: { status: 409, description: 'The request was returned to its initiator; nothing can be acted on until it is resubmitted.' },
  instance_not_returned: { status: 409, description: 'The request has not been returned to its initiator, so it cannot be resubmitted.' },
  instance_not_stalled: { status: 409, description: 'The request is not stalled, so there is nothing to retry.' },
  step_not_passed: { status: 422, description: 'The request can only be returned to a step it has already passed.' },
  reason_required: { status: 422, description: 'This action needs a reason (comment).' },
  urge_too_soon: { status: 409, description: 'The request was urged recently; wait before urging again.' },

  // ── not found
  announcement_not_found: notFound('announcement'),
  api_key_not_found: notFound('API key'),
  checklist_item_not_found: notFound('checklist item'),
  department_not_found: notFound('department'),
  dictionary_not_found: notFound('dictionary'),
  dictionary_item_not_found: notFound('dictionary item'),
  file_not_found: notFound('file'),
  menu_not_found: notFound('menu'),
  package_not_found: notFound('package'),
  message_not_found: notFound('message'),
  plan_not_found: notFound('plan'),
  plan_item_not_found: notFound('plan item'),
  position_not_found: notFound('position'),
  role_not_found: notFound('role'),
  session_not_found: notFound('session'),
  template_not_found: notFound('template'),
  template_version_not_found: notFound('template version'),
  tenant_not_found: notFound('tenant'),
  todo_not_found: notFound('to-do'),
  user_not_found: notFound('user'),
} as const satisfies Record<string, ErrorCodeEntry>;

export const ERROR_CODES: typeof CODES & ProcessCodes = { ...processCodes(), ...CODES };

export type ErrorCode = keyof typeof ERROR_CODES;

/** Codes answered with status S (as their main status or one of `alsoStatus`). */
export type ErrorCodeWithStatus<S extends number> = {
  [K in ErrorCode]: (typeof ERROR_CODES)[K] extends { status: S } ? K : (typeof ERROR_CODES)[K] extends { alsoStatus: readonly (infer A)[] } ? (S extends A ? K : never) : never;
}[ErrorCode];

/** Resources `NotFoundError` is thrown for: those whose `<resource>_not_found` is catalogued. */
export type NotFoundResource = { [K in ErrorCode]: K extends `${infer R}_not_found` ? R : never }[ErrorCode];

export function isErrorCode(code: string): code is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_CODES, code);
}

/** A code made at run time (a workflow failure's type), or `fallback` when it is not catalogued. */
export function knownErrorCode(code: string | undefined, fallback: ErrorCode): ErrorCode {
  return code !== undefined && isErrorCode(code) ? code : fallback;
}

export function errorStatus<C extends ErrorCode>(code: C): (typeof ERROR_CODES)[C]['status'] {
  return ERROR_CODES[code].status;
}

/** One catalogue entry as `GET /api/v1/errors` lists it. */
export const ErrorCodeView = z.object({
  code: z.string().describe('The problem `code`: stable, never renamed.'),
  status: z.number().int().describe('The HTTP status it is answered with.'),
  alsoStatus: z.array(z.number().int()).optional().describe('Other statuses the same code is answered with in some situations (see the description).'),
  description: z.string(),
});
export type ErrorCodeView = z.infer<typeof ErrorCodeView>;

/** The catalogue in code order (stable between calls, so pages do not shift). */
export function errorCodeViews(): ErrorCodeView[] {
  return (Object.keys(ERROR_CODES) as ErrorCode[])
    .sort()
    .map((code) => {
      const entry: ErrorCodeEntry = ERROR_CODES[code];
      return { code, status: entry.status, ...(entry.alsoStatus ? { alsoStatus: [...entry.alsoStatus] } : {}), description: entry.description };
    });
}
