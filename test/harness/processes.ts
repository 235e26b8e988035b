/**
 * Product processes as children of the test (the production shape: a separate worker or API
 * process), run from the TypeScript sources, and a TCP proxy to cut a dependency off and back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect, type Server, type Socket } from 'node:net';
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

/** A TCP proxy to `target` (host:port) that can drop every connection and refuse new ones. */
export class TcpProxy {
  private server: Server | undefined;
  private sockets = new Set<Socket>();
  constructor(
    readonly port: number,
    private readonly target: string,
  ) {}

  async open(): Promise<void> {
    const [host, port] = this.target.split(':');
    this.server = createServer((client) => {
      const upstream = connect(Number(port), host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => this.server!.once('error', reject).listen(this.port, '127.0.0.1', resolve));
  }

  /** Cut: existing connections reset, new ones refused. */
  async cut(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
