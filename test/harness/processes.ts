/**
 * Product processes as children of the test (the production shape: a separate worker or API
 * process), run from the TypeScript sources, and a TCP proxy to cut a dependency off and back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Child {
  process: ChildProcess;
  /** Everything it wrote, for failure messages. */
  output(): string;
  exited: Promise<number | null>;
}

/** `node` on a TypeScript entry of the repository (e.g. `workers/main.ts`) with this environment. */
export function spawnTs(entry: string, env: Record<string, string | undefined>): Child {
  const child = spawn(process.execPath, ['-r', join(root, 'test/harness/register-ts.cjs'), join(root, entry)], {
    cwd: root,
    env: { ...process.env, NODE_NO_WARNINGS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { process: child, output: () => out.slice(-4000), exited };
}

/** Poll until `check` is true (or throw with `describe()` after the deadline). */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, describe: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms ${describe()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export { TcpProxy } from '../../bench/drill/tcp-proxy';
