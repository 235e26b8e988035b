/**
 * The production worker process (`workers/main.ts`, a child of the test): the SDK runtime's
 * Prometheus exporter on WORKER_METRICS_PORT, and its health endpoint on WORKER_HEALTH_PORT —
 * ready once polling, unhealthy while the Temporal frontend cannot be reached (cut by a proxy),
 * healthy again once it can.
 */
import { freePort, spawnTs, TcpProxy, waitFor, type Child } from '../harness/processes';
import { uniqueCode } from '../harness/harness';

const get = async (url: string) => {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, text: await res.text() };
};

describe('worker metrics and health', () => {
  let child: Child;
  let proxy: TcpProxy;
  let metricsPort: number;
  let healthPort: number;

  beforeAll(async () => {
    [metricsPort, healthPort] = [await freePort(), await freePort()];
    proxy = new TcpProxy(await freePort(), process.env.TEMPORAL_ADDRESS!);
    await proxy.open();
    child = spawnTs('workers/main.ts', {
      TEMPORAL_ADDRESS: `127.0.0.1:${proxy.port}`,
      TEMPORAL_TASK_QUEUE: uniqueCode('tq-wm-'),
      WORKER_METRICS_PORT: String(metricsPort),
      WORKER_HEALTH_PORT: String(healthPort),
      WORKFLOW_BUNDLE_PATH: process.env.SIGNOFF_TEST_BUNDLE,
      LOG_LEVEL: 'warn',
    });
  });

  afterAll(async () => {
    child?.process.kill('SIGTERM');
    await child?.exited;
    await proxy?.cut();
  });

  it('is ready once polling, and the SDK exporter serves worker metrics', async () => {
    await waitFor(async () => (await get(`http://127.0.0.1:${healthPort}/ready`)).status === 200, 90_000, () => child.output());
    const health = await get(`http://127.0.0.1:${healthPort}/health`);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.text)).toMatchObject({ worker: 'RUNNING', temporal: 'reachable' });

    // The SDK registers its series as it first records them: pollers and slots come with polling.
    let text = '';
    await waitFor(async () => {
      text = (await get(`http://127.0.0.1:${metricsPort}/metrics`)).text;
      return text.includes('temporal_num_pollers') && text.includes('temporal_worker_task_slots_available');
    }, 30_000, () => text.slice(0, 3000));
    expect(text).toMatch(/temporal_num_pollers\{[^}]*poller_type="workflow_task"/);
    expect(text).toMatch(/temporal_worker_task_slots_available\{[^}]*worker_type="ActivityWorker"/);

    // The app's own metrics of the worker process are on the health port.
    const app = await get(`http://127.0.0.1:${healthPort}/metrics`);
    expect(app.status).toBe(200);
    expect(app.text).toContain('process_resident_memory_bytes');
  });

  it('is unhealthy while the Temporal frontend is unreachable and recovers after', async () => {
    await proxy.cut();
    await waitFor(async () => (await get(`http://127.0.0.1:${healthPort}/health`)).status === 503, 30_000);
    const down = JSON.parse((await get(`http://127.0.0.1:${healthPort}/ready`)).text);
    expect(down).toMatchObject({ status: 'unavailable', temporal: 'unreachable' });

    await proxy.open();
    await waitFor(async () => (await get(`http://127.0.0.1:${healthPort}/ready`)).status === 200, 60_000, () => child.output());
  });
});
