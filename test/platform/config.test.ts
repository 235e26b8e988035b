import { loadConfig, ConfigError } from '../../common/config';

describe('configuration from the environment', () => {
  it('uses embedded defaults when nothing is set', () => {
    const c = loadConfig({});
    expect(c.NODE_ENV).toBe('development');
    expect(c.database.kind).toBe('sqlite');
    expect(c.database.kind === 'sqlite' && c.database.file).toMatch(/data\/signoff\.db$/);
    expect(c.TEMPORAL_ADDRESS).toBeUndefined();
    expect(c.SCRYPT_LOG_N).toBe(17);
  });

  it('chooses MySQL for mysql:// and mariadb:// URLs', () => {
    expect(loadConfig({ DATABASE_URL: 'mysql://root@127.0.0.1:3306/x' }).database).toEqual({ kind: 'mysql', url: 'mysql://root@127.0.0.1:3306/x' });
    expect(loadConfig({ DATABASE_URL: 'mariadb://u:p@db/x' }).database).toEqual({ kind: 'mysql', url: 'mysql://u:p@db/x' });
    expect(loadConfig({ DATABASE_URL: 'sqlite:/tmp/a.db' }).database).toEqual({ kind: 'sqlite', file: '/tmp/a.db' });
  });

  it('reports every bad value in one readable message, without echoing secrets', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({
        NODE_ENV: 'production',
        API_PORT: 'eighty',
        REDIS_URL: 'localhost:6379',
        DATABASE_URL: 'postgres://x',
        JWT_PRIVATE_KEY: 'very-secret',
        SMTP_USER: 'mailer',
      });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const keys = error!.problems.map((p) => p.split(' ')[0]);
    expect(keys).toEqual(expect.arrayContaining(['API_PORT', 'REDIS_URL', 'DATABASE_URL', 'JWT_PUBLIC_KEY', 'TEMPORAL_ADDRESS', 'SMTP_PASSWORD']));
    expect(error!.message).toContain('Invalid configuration:');
    expect(error!.message).toContain('API_PORT ("eighty")');
    expect(error!.message).not.toContain('very-secret');
  });

  it('treats empty strings as unset (compose passes VAR=)', () => {
    expect(loadConfig({ TEMPORAL_ADDRESS: '', SMTP_HOST: '' }).TEMPORAL_ADDRESS).toBeUndefined();
  });
});
