/**
 * How every process of the product reaches the Temporal frontend: the API's client, the
 * worker's native connection and the scripts all take their address, TLS and API key from
 * here, so a cluster that requires mTLS or an API key is configured once (common/config.ts).
 */
import { readFileSync } from 'node:fs';
import { Connection, type TLSConfig } from '@temporalio/client';
import type { AppConfig } from '../common/config';

type TemporalConnectionConfig = Pick<
  AppConfig,
  'TEMPORAL_ADDRESS' | 'TEMPORAL_TLS' | 'TEMPORAL_TLS_CA' | 'TEMPORAL_TLS_CERT' | 'TEMPORAL_TLS_KEY' | 'TEMPORAL_TLS_SERVER_NAME' | 'TEMPORAL_API_KEY'
>;

/** A PEM given inline (`-----BEGIN …`) or as a file path: containers mount files, CI passes values. */
function pem(value: string): Buffer {
  return value.trimStart().startsWith('-----BEGIN') ? Buffer.from(value.replace(/\\n/g, '\n')) : readFileSync(value);
}

/** TLS settings, or `undefined` for a plain connection (the local dev server). */
export function temporalTls(config: TemporalConnectionConfig): TLSConfig | undefined {
  const wanted = config.TEMPORAL_TLS || !!config.TEMPORAL_TLS_CA || !!config.TEMPORAL_TLS_CERT || !!config.TEMPORAL_API_KEY || !!config.TEMPORAL_TLS_SERVER_NAME;
  if (!wanted) return undefined;
  return {
    ...(config.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: config.TEMPORAL_TLS_SERVER_NAME } : {}),
    ...(config.TEMPORAL_TLS_CA ? { serverRootCACertificate: pem(config.TEMPORAL_TLS_CA) } : {}),
    ...(config.TEMPORAL_TLS_CERT && config.TEMPORAL_TLS_KEY ? { clientCertPair: { crt: pem(config.TEMPORAL_TLS_CERT), key: pem(config.TEMPORAL_TLS_KEY) } } : {}),
  };
}

/** Options shared by `Connection.connect` (client) and `NativeConnection.connect` (worker). */
export function temporalConnectionOptions(config: TemporalConnectionConfig): { address: string; tls?: TLSConfig; apiKey?: string } {
  const tls = temporalTls(config);
  return {
    address: config.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    ...(tls ? { tls } : {}),
    ...(config.TEMPORAL_API_KEY ? { apiKey: config.TEMPORAL_API_KEY } : {}),
  };
}

/** A client connection (API, scripts, the worker's admin calls). */
export function connectTemporal(config: TemporalConnectionConfig, extra: { connectTimeout?: number } = {}): Promise<Connection> {
  return Connection.connect({ ...temporalConnectionOptions(config), ...extra });
}

/**
 * Wait until a server we just started answers on `address` (a plain local connection), or throw
 * `timeoutError()` after `timeoutMs`. `gone()` says the server's process has exited already.
 */
export async function untilServerAnswers(address: string, timeoutMs: number, timeoutError: (cause: string) => Error, gone: () => string | undefined = () => undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const exited = gone();
    if (exited) throw timeoutError(exited);
    try {
      const conn = await Connection.connect({ address, connectTimeout: 1000 });
      await conn.workflowService.getSystemInfo({});
      await conn.close();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw timeoutError((err as Error).message);
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}
