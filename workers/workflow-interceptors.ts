/**
 * Workflow interceptor modules bundled with the product's workflows, by the worker when it
 * bundles and by test/global-setup.ts for the tests' shared bundle: both must list the same.
 * The OpenTelemetry one continues the caller's trace inside the workflow (spans leave the
 * sandbox through the `exporter` sink the worker registers); it only reads workflow info and
 * headers, so it adds no command and replays deterministically.
 */
export const WORKFLOW_INTERCEPTOR_MODULES = [require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')];
