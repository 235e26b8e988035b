/**
 * A bare worker process for `npm run bench:scale`: the baseline workflows (bench/workflows.ts)
 * and one no-op activity, with the product's payload codec and nothing else. It is the ceiling
 * the product's worker processes are compared with, process for process.
 *
 * Env: the product's config (TEMPORAL_ADDRESS, DATA_DIR for the codec keys), BENCH_BASELINE_QUEUE,
 * BENCH_BASELINE_BUNDLE (a pre-built bundle of bench/workflows). Prints `ready` once polling.
 */
import { NativeConnection, Runtime as TemporalRuntime, DefaultLogger, Worker } from '@temporalio/worker';
import { loadConfig } from '../common/config';
import { dataConverterFor } from '../temporal/data-converter';

async function main() {
  const config = loadConfig();
  TemporalRuntime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: process.env.BENCH_BASELINE_QUEUE ?? 'bench-baseline',
    dataConverter: dataConverterFor(config),
    ...(process.env.BENCH_BASELINE_BUNDLE ? { workflowBundle: { codePath: process.env.BENCH_BASELINE_BUNDLE } } : { workflowsPath: require.resolve('./workflows') }),
    activities: { benchNoop: async (s: string) => s },
    // As the product's worker (workers/create-worker.ts).
    maxConcurrentActivityTaskExecutions: 50,
  });
  const running = worker.run();
  process.stdout.write('ready\n');
  await running;
  await connection.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
