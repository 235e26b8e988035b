/**
 * The approval DSL: what a template is (template.ts) and the pure rules that interpret it —
 * conditions, the flow walker, form validation, value references, durations, approval modes and
 * the names of system actions. No Temporal APIs, no I/O: the API, the activities, the database
 * layer and the workflow all read templates through these modules, so a preview, a validation
 * and a running instance agree.
 *
 * Code outside workflows/ imports from here; workflow code imports the single module it needs,
 * so the workflow bundle holds only what the interpreter uses.
 */
export * from './template';
export * from './conditions';
export * from './flow';
export * from './form';
export * from './values';
export * from './durations';
export * from './calendar';
export * from './modes';
export * from './system-actions';
export * from './serial';
