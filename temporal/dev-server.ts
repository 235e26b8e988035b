/**
 * Launch `temporal server start-dev` for `npm start`: loopback only, persistent SQLite file in
 * the data folder (a second start finds its workflows again), Web UI, and the product's search
 * attributes registered.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { untilServerAnswers } from './connection';
import { devServerSearchAttributeArgs } from './search-attributes';

export interface DevServer {
  address: string;
  uiUrl: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface DevServerOptions {
  cliPath: string;
  dataDir: string;
  namespace: string;
  port?: number;
  uiPort?: number;
  /** How long to wait for the frontend to answer (first start of a big DB can be slow). */
  readyTimeoutMs?: number;
  /** Codec endpoint the Web UI sends payloads to for decoding (`--ui-codec-endpoint`). */
  codecEndpoint?: string;
}

export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const port = opts.port ?? 7233;
  const uiPort = opts.uiPort ?? 8233;
  mkdirSync(opts.dataDir, { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(port),
    '--ui-port', String(uiPort),
    '--namespace', opts.namespace,
    '--db-filename', join(opts.dataDir, 'temporal.db'),
    '--sqlite-pragma', 'journal_mode=WAL',
    '--log-format', 'json',
    '--log-level', 'warn',
    ...devServerSearchAttributeArgs(),
    ...(opts.codecEndpoint ? ['--ui-codec-endpoint', opts.codecEndpoint] : []),
  ];
  const logFile = createWriteStream(join(opts.dataDir, 'temporal-server.log'), { flags: 'a' });
  const child = spawn(opts.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(logFile);
  child.stderr?.pipe(logFile);
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `exited with ${code ?? signal}`;
  });

  const address = `127.0.0.1:${port}`;
  try {
    await untilServerAnswers(
      address,
      opts.readyTimeoutMs ?? 60_000,
      (cause) => new Error(exited ? `Temporal dev server ${exited}; see ${join(opts.dataDir, 'temporal-server.log')}` : `Temporal dev server did not answer on ${address}: ${cause}`),
      () => exited,
    );
  } catch (err) {
    child.kill('SIGTERM');
    throw err;
  }
  return {
    address,
    uiUrl: `http://127.0.0.1:${uiPort}`,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
