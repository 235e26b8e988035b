import type { TestWorkflowEnvironment } from '@temporalio/testing';

export default async function globalTeardown() {
  const env = (globalThis as Record<string, unknown>).__SIGNOFF_TEMPORAL_ENV__ as TestWorkflowEnvironment | undefined;
  await env?.teardown();
}
