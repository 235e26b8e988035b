/**
 * Workflow interceptor modules bundled with the product's workflows, by the worker when it
 * bundles and by test/global-setup.ts for the tests' shared bundle: both must list the same.
 * workflows/interceptors/tracing.ts continues the caller's trace through the workflow into its
 * activities without changing how the workflow runs (see there why not the package's own).
 */
export const WORKFLOW_INTERCEPTOR_MODULES = [require.resolve('../workflows/interceptors/tracing')];
