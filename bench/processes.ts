/**
 * What the benchmarks and the fault drill both do around the processes they run: find a free
 * port, wait for a condition or an HTTP readiness probe, wait for or stop a child process, and
 * give a run a fresh MariaDB database.
 */
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createConnection } from 'mysql2/promise';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as { port: number };
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** The URL answers 2xx within 3 s (a refused or hanging probe is a no, not an error). */
export async function httpOk(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(3000) })).ok;
  } catch {
    return false;
  }
}

/** Poll `check` until it holds; the time it took, or an error naming `what` after `timeoutMs`. */
export async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await sleep(200);
  }
  return Date.now() - t0;
}

/** Resolves once the child has exited (at once if it has, or if there is none). */
export function exited(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** SIGTERM, and SIGKILL if it has not exited after `graceMs` (a clean stop writes profiles, flushes logs). */
export async function stopProcess(child: ChildProcess, graceMs = 30_000): Promise<void> {
  const gone = exited(child);
  const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
  child.kill('SIGTERM');
  await gone;
  clearTimeout(kill);
}

/** Drop and create a database on a MariaDB server (`adminUrl`: mysql://user[:password]@host:port). */
export async function recreateMysqlDatabase(adminUrl: string, name: string): Promise<void> {
  const conn = await createConnection(`${adminUrl.replace(/\/$/, '')}/`);
  await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
}
