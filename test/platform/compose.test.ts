/**
 * There is no Docker engine on the build machine, so docker-compose.yml is kept honest by
 * reading it: every service the app needs is present, and the app's environment (after
 * compose's ${VAR} interpolation with placeholder secrets) passes the production config check
 * and points at services that exist.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../common/config';

const root = join(__dirname, '..', '..');
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
const secrets: Record<string, string> = {
  MYSQL_PASSWORD: 'pw',
  MYSQL_ROOT_PASSWORD: 'rootpw',
  JWT_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\\nx\\n-----END PRIVATE KEY-----',
  JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\\nx\\n-----END PUBLIC KEY-----',
  TEMPORAL_CODEC_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
  MINIO_ROOT_PASSWORD: 'miniopw',
  S3_ACCESS_KEY_ID: 'signoff-app',
  S3_SECRET_ACCESS_KEY: 'app-secret',
};

/** Compose interpolation: ${VAR}, ${VAR:-default}, ${VAR:?error}. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_m, name: string, op?: string, arg?: string) => {
    if (vars[name] !== undefined && vars[name] !== '') return vars[name];
    if (op === '-') return arg ?? '';
    throw new Error(`compose would refuse to start: ${name} is required (${arg})`);
  });
}

const hostOf = (value: string) => new URL(value.includes('://') ? value : `tcp://${value}`).hostname;

describe('docker-compose.yml', () => {
  const services = compose.services as Record<string, any>;

  it('has every service a real deployment needs', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['mysql', 'redis', 'temporal', 'temporal-ui', 'mailpit', 'minio', 'minio-setup', 'migrate', 'api', 'worker']));
    expect(services.mysql.image).toMatch(/^mysql:8/);
    expect(services.redis.image).toMatch(/^redis:7/);
    expect(services.temporal.environment.DB).toBe('mysql8');
    expect(services['temporal-ui'].environment.TEMPORAL_ADDRESS).toBe('temporal:7233');
  });

  it.each(['api', 'worker', 'migrate'])('%s: environment passes the production config check and is wired to existing services', (name) => {
    const env = Object.fromEntries(Object.entries(services[name].environment as Record<string, string>).map(([k, v]) => [k, interpolate(String(v), secrets)]));
    const config = loadConfig(env);
    expect(config.NODE_ENV).toBe('production');
    expect(config.database.kind).toBe('mysql');
    // Attachments go to MinIO, with the app's own key pair.
    expect([config.FILE_STORE, config.S3_BUCKET, config.S3_ACCESS_KEY_ID]).toEqual(['s3', 'signoff-files', 'signoff-app']);
    for (const host of [hostOf(env.DATABASE_URL), hostOf(env.REDIS_URL), hostOf(env.TEMPORAL_ADDRESS), env.SMTP_HOST, hostOf(env.S3_ENDPOINT)]) {
      expect(Object.keys(services)).toContain(host);
    }
    expect(services[name].build).toBe('.');
  });

  it('refuses to start without secrets instead of shipping defaults', () => {
    const apiEnv = services.api.environment as Record<string, string>;
    expect(() => interpolate(apiEnv.JWT_PRIVATE_KEY, {})).toThrow(/JWT_PRIVATE_KEY is required/);
    expect(JSON.stringify(compose)).not.toMatch(/BEGIN (PRIVATE|PUBLIC) KEY/);
  });

  it('publishes only the API on the host; the ops override binds the rest to loopback', () => {
    const published = Object.entries(services).filter(([, s]) => s.ports?.length).map(([name]) => name);
    expect(published).toEqual(['api']);
    const ops = parse(readFileSync(join(root, 'docker-compose.ops.yml'), 'utf8'));
    for (const [name, service] of Object.entries(ops.services as Record<string, { ports: string[] }>)) {
      expect(Object.keys(services)).toContain(name);
      for (const port of service.ports) expect(port).toMatch(/^127\.0\.0\.1:/);
    }
  });

  it('runs the Temporal UI read-only unless configured otherwise', () => {
    const ui = services['temporal-ui'].environment as Record<string, string>;
    expect(interpolate(ui.TEMPORAL_DISABLE_WRITE_ACTIONS, {})).toBe('true');
    expect(interpolate(ui.TEMPORAL_DISABLE_WRITE_ACTIONS, { TEMPORAL_UI_DISABLE_WRITE_ACTIONS: 'false' })).toBe('false');
  });

  it('the Dockerfile copies every source folder the build compiles', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8'));
    for (const dir of tsconfig.include.filter((d: string) => d !== 'test')) expect(dockerfile).toContain(`COPY ${dir} ${dir}`);
  });
});
