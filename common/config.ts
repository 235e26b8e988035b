/**
 * Configuration comes only from the environment. It is validated once at start-up and every
 * problem is reported in one readable message, so a mis-configured deployment fails fast
 * instead of half-working.
 */
import { resolve } from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(def);

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Where embedded state lives: SQLite file, Temporal dev-server DB, generated keys, mail files. */
    DATA_DIR: z.string().min(1).default('./data'),

    /** `mysql://user:pass@host:3306/db` (MySQL 8 or MariaDB) or `sqlite:<file>` (embedded libsql). Unset = embedded. */
    DATABASE_URL: z
      .string()
      .regex(/^(mysql|mariadb):\/\/.+|^(sqlite|file|libsql):.+/, 'must start with mysql://, mariadb:// or sqlite:')
      .optional(),
    DATABASE_DEBUG: bool.default(false),
    REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').default('redis://127.0.0.1:6379'),
    /** Prefix for every Redis key, so several deployments (or test runs) can share one Redis. */
    REDIS_KEY_PREFIX: z.string().default('signoff:'),

    /** host:port of a Temporal frontend. Unset = `npm start` launches the embedded dev server. */
    TEMPORAL_ADDRESS: z.string().regex(/^[^:]+:\d+$/, 'must be host:port').optional(),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('signoff'),
    TEMPORAL_UI_URL: z.string().url().optional(),
    TEMPORAL_CLI_PATH: z.string().optional(),
    /**
     * Connection security to a Temporal frontend (temporal/connection.ts; API, worker and scripts).
     * TEMPORAL_TLS=true with the system CAs, or the PEM files below (a CA for a private PKI, a
     * client certificate and key for mTLS). TEMPORAL_API_KEY (Temporal Cloud) implies TLS.
     */
    TEMPORAL_TLS: bool.default(false),
    TEMPORAL_TLS_CA: z.string().optional(),
    TEMPORAL_TLS_CERT: z.string().optional(),
    TEMPORAL_TLS_KEY: z.string().optional(),
    /** The name the frontend's certificate is checked against, when it differs from the address' host. */
    TEMPORAL_TLS_SERVER_NAME: z.string().optional(),
    TEMPORAL_API_KEY: z.string().optional(),
    /**
     * Payload encryption keys (AES-256-GCM): `kid:base64key,kid2:base64key`, each key 32 bytes.
     * Every key listed decrypts; TEMPORAL_CODEC_CURRENT_KEY names the one that encrypts. Required
     * in production; `npm start` and the tests generate one into DATA_DIR when it is unset.
     */
    TEMPORAL_CODEC_KEYS: z.string().optional(),
    /** Key id that encrypts new payloads (default: the only key listed). */
    TEMPORAL_CODEC_CURRENT_KEY: z.string().optional(),
    /**
     * Platform operators who may decode payloads through the codec endpoint (the Temporal UI):
     * `tenantCode/username,…`. Unset = nobody (`npm start` names the demo admin).
     */
    TEMPORAL_CODEC_OPERATORS: z
      .string()
      .regex(/^\s*[a-z0-9][a-z0-9_-]*\/[a-z0-9][a-z0-9._-]*\s*(,\s*[a-z0-9][a-z0-9_-]*\/[a-z0-9][a-z0-9._-]*\s*)*$/i, 'must be a comma list of tenantCode/username')
      .optional(),

    API_HOST: z.string().default('127.0.0.1'),
    API_PORT: int(3000, 0, 65535),
    PUBLIC_URL: z.string().url().optional(),
    BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, 'must look like 1mb or 512kb').default('1mb'),
    /**
     * Behind a reverse proxy: trust X-Forwarded-For / X-Forwarded-Proto from TRUST_PROXY_HOPS
     * proxies. Off = those headers are ignored everywhere (lockout, limits, audit, login log).
     */
    TRUST_PROXY: bool.default(false),
    TRUST_PROXY_HOPS: int(1, 1, 10),

    /**
     * Requests per RATE_LIMIT_WINDOW_SECONDS, Redis-backed and shared by every API process.
     * 0 turns a tier off. The per-IP tier also counts unauthenticated calls.
     */
    RATE_LIMIT_WINDOW_SECONDS: int(60, 1, 3600),
    RATE_LIMIT_PER_USER: int(100),
    RATE_LIMIT_PER_TENANT: int(10_000),
    RATE_LIMIT_PER_IP: int(1_000),
    RATE_LIMIT_PER_API_KEY: int(5_000),

    /**
     * Prometheus metrics of the API (`GET /metrics`). METRICS_PORT serves them on a separate,
     * internal listener (METRICS_HOST, default 127.0.0.1) instead of the public one;
     * METRICS_TOKEN requires `Authorization: Bearer <token>` wherever they are served. Neither set:
     * no metrics endpoint at all (never an open one on the public port).
     */
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters (openssl rand -hex 16)').optional(),
    METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    METRICS_HOST: z.string().default('127.0.0.1'),
    /**
     * Answer every API request with a `Server-Timing` header: self time per phase (auth,
     * permissions, validation, db, temporal, other). Off by default because it tells any client
     * how the server spends its time; `npm run bench` turns it on to print its breakdown.
     */
    SERVER_TIMING: bool.default(false),
    /** The read-model gauges (open tasks, approvals, deliveries) are queried at most once per this many seconds. */
    METRICS_CACHE_SECONDS: int(10, 0, 3600),
    /** The worker's SDK metrics (the Temporal runtime's Prometheus exporter) on WORKER_HEALTH_HOST:port; unset = none. */
    WORKER_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
    /** The worker's health endpoint (`/health`, `/ready`, its own app metrics at `/metrics`); unset = none. */
    WORKER_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    WORKER_HEALTH_HOST: z.string().default('127.0.0.1'),
    /** A workflow bundle built beforehand (`bundleWorkflowCode`), so a worker starts without bundling; unset = bundle at start. */
    WORKFLOW_BUNDLE_PATH: z.string().optional(),

    /** OTLP/HTTP collector (`http://jaeger:4318`): traces are exported there; unset = no tracing at all. */
    OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),

    /** Unset SMTP_HOST = mail is written as .eml files under DATA_DIR/mail and logged. */
    SMTP_HOST: z.string().optional(),
    SMTP_PORT: int(587, 1, 65535),
    SMTP_SECURE: bool.default(false),
    SMTP_USER: z.string().optional(),
    SMTP_PASSWORD: z.string().optional(),
    MAIL_FROM: z.string().default('Signoff <no-reply@signoff.local>'),

    /** PEM keys (EdDSA Ed25519). Required in production; generated into DATA_DIR otherwise. */
    JWT_PRIVATE_KEY: z.string().optional(),
    JWT_PUBLIC_KEY: z.string().optional(),
    JWT_KEY_ID: z.string().optional(),
    JWT_ISSUER: z.string().default('signoff'),
    JWT_AUDIENCE: z.string().default('signoff-api'),
    ACCESS_TOKEN_TTL_SECONDS: int(900, 30, 86400),
    REFRESH_TOKEN_TTL_SECONDS: int(30 * 86400, 60, 365 * 86400),

    /** scrypt cost as log2(N). 17 (N=131072, 128 MiB per hash) is the production setting. */
    SCRYPT_LOG_N: int(17, 10, 20),
    LOGIN_MAX_FAILURES_PER_ACCOUNT: int(5, 1),
    LOGIN_MAX_FAILURES_PER_IP: int(30, 1),
    LOGIN_FAILURE_WINDOW_SECONDS: int(900, 1),
    /** How long a client IP is locked after LOGIN_MAX_FAILURES_PER_IP failures. */
    LOGIN_LOCK_SECONDS: int(900, 1),
    /** Account delay after LOGIN_MAX_FAILURES_PER_ACCOUNT failures: base, doubling per failure, up to max. */
    LOGIN_DELAY_BASE_SECONDS: int(1, 1, 3600),
    LOGIN_DELAY_MAX_SECONDS: int(60, 1, 86400),
    /** API keys expire at most this many days after creation (keys without an expiry: after their creation + this). */
    API_KEY_MAX_TTL_DAYS: int(90, 1, 3650),
    /** Account activations (public, one scrypt hash each) per client IP and window. */
    ACTIVATION_MAX_PER_IP: int(20, 1),
    ACTIVATION_WINDOW_SECONDS: int(900, 1),

    /**
     * Hosts approval webhooks may call (comma list, `*.example.com` allowed). Unset = any host on a
     * public address; loopback, private, link-local… addresses are always refused unless their
     * host is listed here (the explicit way to reach an internal service).
     */
    WEBHOOK_ALLOWED_HOSTS: z
      .string()
      .regex(/^\s*(\*\.)?[a-z0-9.:\[\]-]+\s*(,\s*(\*\.)?[a-z0-9.:\[\]-]+\s*)*$/i, 'must be a comma list of host names, *.domain or IP addresses')
      .optional(),

    /** Local time (tenant time zone) at which each tenant's daily digest goes out. */
    DIGEST_TIME: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time like 08:00')
      .default('08:00'),

    /**
     * Attachments (activities/files). FILE_STORE=local keeps them under FILE_DIR (default
     * DATA_DIR/files); s3 puts them in S3_BUCKET of an S3-compatible service (AWS, MinIO).
     */
    FILE_STORE: z.enum(['local', 's3']).default('local'),
    FILE_DIR: z.string().min(1).optional(),
    /** Largest accepted upload, per file (bytes). */
    FILE_MAX_BYTES: int(10 * 1024 * 1024, 1, 1024 * 1024 * 1024),
    /** Files per upload request. */
    FILE_MAX_COUNT: int(5, 1, 100),
    /** Content types accepted, as sniffed from the bytes (the client's claim is ignored). */
    FILE_ALLOWED_TYPES: z
      .string()
      .regex(/^\s*[a-z0-9.+-]+\/[a-z0-9.+-]+\s*(,\s*[a-z0-9.+-]+\/[a-z0-9.+-]+\s*)*$/i, 'must be a comma list of content types like image/png')
      .default(
        [
          'application/pdf',
          'image/png',
          'image/jpeg',
          'image/gif',
          'image/webp',
          'text/plain',
          'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
          'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          'application/vnd.openxmlformats-officedocument.presentationml.presentation',
        ].join(','),
      ),
    S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name (3-63 lower-case letters, digits, dots, dashes)').optional(),
    S3_REGION: z.string().min(1).default('us-east-1'),
    /** An S3-compatible endpoint (MinIO: http://minio:9000); unset = AWS. */
    S3_ENDPOINT: z.string().url().optional(),
    /** Path-style addressing (`endpoint/bucket/key`), which MinIO and most S3-compatible services need. */
    S3_FORCE_PATH_STYLE: bool.default(false),
    /** Unset = the SDK's default credential chain (instance role, AWS_* variables). */
    S3_ACCESS_KEY_ID: z.string().optional(),
    S3_SECRET_ACCESS_KEY: z.string().optional(),

    /** Audit-log rows older than this many days are purged. */
    AUDIT_RETENTION_DAYS: int(180, 1, 36500),
    /** How often the reconciler compares open requests with Temporal (terminated runs). */
    RECONCILE_INTERVAL_SECONDS: int(300, 10, 86_400),
    /** Audit rows are buffered in memory and written in batches this often (ms)… */
    AUDIT_FLUSH_INTERVAL_MS: int(1000, 10, 60_000),
    /** …and at most this many wait; beyond it new rows are dropped (and counted) rather than grow memory. */
    AUDIT_BUFFER_LIMIT: int(10_000, 10, 1_000_000),
  });

/**
 * Rules across several variables. They read the raw values so they are reported together with
 * the per-variable problems (a zod refinement would only run once every field is valid).
 */
function crossFieldProblems(raw: Record<string, string | undefined>): { key: string; message: string }[] {
  const problems: { key: string; message: string }[] = [];
  if (raw.NODE_ENV === 'production') {
    for (const key of ['JWT_PRIVATE_KEY', 'JWT_PUBLIC_KEY', 'DATABASE_URL', 'TEMPORAL_ADDRESS', 'TEMPORAL_CODEC_KEYS']) {
      if (!raw[key]) problems.push({ key, message: 'is required when NODE_ENV=production' });
    }
  }
  if (!!raw.JWT_PRIVATE_KEY !== !!raw.JWT_PUBLIC_KEY && !problems.some((p) => p.key.startsWith('JWT_'))) {
    problems.push({ key: raw.JWT_PRIVATE_KEY ? 'JWT_PUBLIC_KEY' : 'JWT_PRIVATE_KEY', message: 'JWT_PRIVATE_KEY and JWT_PUBLIC_KEY go together' });
  }
  if (!!raw.TEMPORAL_TLS_CERT !== !!raw.TEMPORAL_TLS_KEY) {
    problems.push({ key: raw.TEMPORAL_TLS_CERT ? 'TEMPORAL_TLS_KEY' : 'TEMPORAL_TLS_CERT', message: 'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together' });
  }
  if (raw.FILE_STORE === 's3' && !raw.S3_BUCKET) problems.push({ key: 'S3_BUCKET', message: 'is required when FILE_STORE=s3' });
  if (!!raw.S3_ACCESS_KEY_ID !== !!raw.S3_SECRET_ACCESS_KEY) {
    problems.push({ key: raw.S3_ACCESS_KEY_ID ? 'S3_SECRET_ACCESS_KEY' : 'S3_ACCESS_KEY_ID', message: 'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together' });
  }
  if (raw.SMTP_USER && !raw.SMTP_PASSWORD) problems.push({ key: 'SMTP_PASSWORD', message: 'is required when SMTP_USER is set' });
  problems.push(...codecKeyProblems(raw.TEMPORAL_CODEC_KEYS, raw.TEMPORAL_CODEC_CURRENT_KEY));
  return problems;
}

/** One payload encryption key: its id (stored in each payload's metadata) and 32 key bytes. */
export interface CodecKey {
  id: string;
  key: Buffer;
}

export interface CodecKeyring {
  /** Encrypts new payloads. */
  current: CodecKey;
  /** Every key that decrypts, the current one included (old ones stay for rotation). */
  all: CodecKey[];
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * Parse `kid:base64key,…` and pick the current key. Returns the problems instead of throwing so
 * config validation can report them with the other variables' (never echoing key material).
 */
export function parseCodecKeys(raw: string, currentId?: string): { keyring?: CodecKeyring; problems: string[] } {
  const problems: string[] = [];
  const all: CodecKey[] = [];
  raw.split(',').map((s) => s.trim()).filter(Boolean).forEach((entry, i) => {
    const sep = entry.indexOf(':');
    const id = sep > 0 ? entry.slice(0, sep).trim() : '';
    const b64 = sep > 0 ? entry.slice(sep + 1).trim() : '';
    if (!KEY_ID.test(id)) return problems.push(`entry ${i + 1} must look like kid:base64key (kid: letters, digits, . _ -)`);
    const key = BASE64.test(b64) ? Buffer.from(b64, 'base64') : Buffer.alloc(0);
    if (key.length !== 32) return problems.push(`key "${id}" must be 32 random bytes in base64 (openssl rand -base64 32)`);
    if (all.some((k) => k.id === id)) return problems.push(`key id "${id}" is listed twice`);
    all.push({ id, key });
  });
  if (!all.length && !problems.length) problems.push('lists no key');
  if (problems.length) return { problems };
  const current = currentId ? all.find((k) => k.id === currentId) : all.length === 1 ? all[0] : undefined;
  if (!current) {
    return { problems: [currentId ? `TEMPORAL_CODEC_CURRENT_KEY "${currentId}" is not one of the listed key ids` : 'lists several keys: set TEMPORAL_CODEC_CURRENT_KEY to the id that encrypts'] };
  }
  return { keyring: { current, all }, problems };
}

function codecKeyProblems(keys: string | undefined, currentId: string | undefined): { key: string; message: string }[] {
  if (!keys) return currentId ? [{ key: 'TEMPORAL_CODEC_CURRENT_KEY', message: 'needs TEMPORAL_CODEC_KEYS' }] : [];
  return parseCodecKeys(keys, currentId).problems.map((message) => ({ key: 'TEMPORAL_CODEC_KEYS', message }));
}

export type Env = z.infer<typeof EnvSchema>;

export interface AppConfig extends Env {
  /** Absolute data folder. */
  dataDir: string;
  /** Absolute folder of the local file store. */
  fileDir: string;
  /** FILE_ALLOWED_TYPES as a set of lower-case content types. */
  fileAllowedTypes: ReadonlySet<string>;
  database: { kind: 'mysql'; url: string } | { kind: 'sqlite'; file: string };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parse and validate the environment. Throws one ConfigError listing every bad value. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  // Empty strings mean "unset": docker-compose and shells often pass VAR= .
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((i) => ({ key: i.path.join('.') || '(environment)', message: i.message }))),
    ...crossFieldProblems(cleaned),
  ];
  if (!parsed.success || problems.length) {
    throw new ConfigError(
      problems.map(({ key, message }) => {
        const value = cleaned[key];
        const shown = value === undefined ? 'missing' : /KEY|PASSWORD|SECRET/.test(key) ? 'set' : JSON.stringify(value);
        return `${key} (${shown}): ${message}`;
      }),
    );
  }
  const env = parsed.data;
  const dataDir = resolve(env.DATA_DIR);
  const url = env.DATABASE_URL;
  const database: AppConfig['database'] =
    url && /^(mysql|mariadb):/.test(url)
      ? { kind: 'mysql', url: url.replace(/^mariadb:/, 'mysql:') }
      : { kind: 'sqlite', file: url ? url.replace(/^(sqlite|file|libsql):(\/\/)?/, '') : resolve(dataDir, 'signoff.db') };
  const fileDir = resolve(env.FILE_DIR ?? resolve(dataDir, 'files'));
  const fileAllowedTypes = new Set(env.FILE_ALLOWED_TYPES.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean));
  return { ...env, dataDir, database, fileDir, fileAllowedTypes };
}
