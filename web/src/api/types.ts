/** Named shapes of the API, taken from the generated schema (never written by hand). */
import type { MethodResponse, ClientPathsWithMethod } from 'openapi-fetch';
import type { api } from './client';
import type { paths } from './schema';

type Client = typeof api;
/** What the typed client returns for a call (openapi-fetch maps the schema types; use its view). */
type Json<P extends ClientPathsWithMethod<Client, M>, M extends 'get' | 'post' | 'put'> = MethodResponse<Client, M, P>;

export type TemplateDetail = Json<'/api/v1/approval-templates/{id}', 'get'>;
export type TemplateSummary = Json<'/api/v1/approval-templates', 'get'>['items'][number];
export type CatalogEntry = Json<'/api/v1/approval-catalog/{id}', 'get'>;
export type Definition = TemplateDetail['draft'];
export type VersionDetail = Json<'/api/v1/approval-templates/{id}/versions/{version}', 'get'>;
export type VersionSummary = Json<'/api/v1/approval-templates/{id}/versions', 'get'>['items'][number];
export type ValidationReport = Json<'/api/v1/approval-templates/{id}/validate', 'post'>;
export type DryRunResult = Json<'/api/v1/approval-templates/{id}/dry-run', 'post'>;
export type FormSchema = Definition['formSchema'];
export type FormField = FormSchema['fields'][number];
export type FieldType = FormField['type'];
export type Step = Definition['flow'][number];
export type StepKind = Step['kind'];
export type InstanceDetail = Json<'/api/v1/approvals/{id}', 'get'>;
export type ApprovalGraph = Json<'/api/v1/approvals/{id}/graph', 'get'>;
export type GraphNode = ApprovalGraph['nodes'][number];
export type GraphNodeState = GraphNode['state'];
export type InboxPage = Json<'/api/v1/approvals/inbox', 'get'>;
export type InboxItem = InboxPage['items'][number];
export type InboxBox = NonNullable<NonNullable<paths['/api/v1/approvals/inbox']['get']['parameters']['query']>['box']>;
export type InstanceStatus = InstanceDetail['status'];
export type OversightItem = Json<'/api/v1/approvals/oversight', 'get'>['items'][number];
export type BatchApproveResult = Json<'/api/v1/approvals/batch-approve', 'post'>;
export type ApprovalStats = Json<'/api/v1/approvals/stats', 'get'>;
export type DigestSchedule = Json<'/api/v1/schedules/digest', 'get'>;
export type UserView = Json<'/api/v1/users/{id}', 'get'>;
export type DirectoryPerson = Json<'/api/v1/directory/people/{id}', 'get'>;
export type DirectoryDepartment = Json<'/api/v1/directory/departments', 'get'>[number];
export type Attachment = { fileId: string; name: string; size?: number };
export type DateRange = { start: string; end: string };
