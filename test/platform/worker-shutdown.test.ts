/**
 * Regression: a stop requested while the worker is still starting (bundling takes seconds) must
 * still stop it. The abort event has fired by the time the worker exists, so runWorker has to
 * look at the flag, not only listen for the event; otherwise `npm start` hangs on Ctrl-C.
 */
import { runWorker } from '../../workers/main';
import { createTestRuntime, uniqueCode } from '../harness/harness';
import type { Runtime } from '../../activities/runtime';

describe('worker shutdown', () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await createTestRuntime({ TEMPORAL_TASK_QUEUE: uniqueCode('tq-stop-') });
  });
  afterAll(() => rt.close());

  it('stops when the stop was requested before the worker finished starting', async () => {
    const stop = new AbortController();
    const running = runWorker(rt, { signal: stop.signal });
    stop.abort(); // while it connects and bundles
    await expect(running).resolves.toBeUndefined();
  }, 40_000);

  it('stops when the stop is requested while it polls', async () => {
    const stop = new AbortController();
    const running = runWorker(rt, { signal: stop.signal });
    // Long enough to be polling on this machine; the assertion holds either way.
    await new Promise((r) => setTimeout(r, 8000));
    stop.abort();
    await expect(running).resolves.toBeUndefined();
  }, 40_000);
});
