/** How API, worker and scripts connect to Temporal (issue 8, item 15): TLS, mTLS, API key from config. */
import { ConfigError, loadConfig } from '../../../common/config';
import { temporalConnectionOptions } from '../../../temporal/connection';

const PEM = (label: string) => `-----BEGIN ${label}-----\\nMIIB\\n-----END ${label}-----`;

describe('temporalConnectionOptions', () => {
  it('plain by default (the local dev server)', () => {
    expect(temporalConnectionOptions(loadConfig({ TEMPORAL_ADDRESS: 'temporal:7233' }))).toEqual({ address: 'temporal:7233' });
  });

  it('an API key implies TLS with the system CAs', () => {
    expect(temporalConnectionOptions(loadConfig({ TEMPORAL_ADDRESS: 'ns.tmprl.cloud:7233', TEMPORAL_API_KEY: 'secret-key' }))).toEqual({
      address: 'ns.tmprl.cloud:7233',
      tls: {},
      apiKey: 'secret-key',
    });
  });

  it('mTLS with a private CA and a server name, from inline PEM values', () => {
    const options = temporalConnectionOptions(
      loadConfig({
        TEMPORAL_ADDRESS: '10.0.0.9:7233',
        TEMPORAL_TLS_CA: PEM('CERTIFICATE'),
        TEMPORAL_TLS_CERT: PEM('CERTIFICATE'),
        TEMPORAL_TLS_KEY: PEM('PRIVATE KEY'),
        TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
      }),
    );
    expect(options.tls?.serverNameOverride).toBe('temporal.internal');
    expect(Buffer.from(options.tls!.serverRootCACertificate!).toString()).toBe('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----');
    expect(Buffer.from(options.tls!.clientCertPair!.key).toString()).toContain('PRIVATE KEY');
  });

  it('a client certificate without its key is a configuration error', () => {
    expect(() => loadConfig({ TEMPORAL_TLS_CERT: PEM('CERTIFICATE') })).toThrow(ConfigError);
    expect(() => loadConfig({ TEMPORAL_TLS_CERT: PEM('CERTIFICATE') })).toThrow(/TEMPORAL_TLS_KEY/);
  });
});
