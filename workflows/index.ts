/** Bundle entry: every workflow type the worker runs. Keep this file a list of re-exports. */
export * from './provisioning/workflow';
export * from './approval/workflow';
export * from './approval/grant-role-saga';
export * from './onboarding/workflow';
export * from './reminders/workflow';
export * from './digest/workflow';
export * from './maintenance/audit-purge';
export * from './maintenance/reconcile';
export * from './tenants/workflows';
