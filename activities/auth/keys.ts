/**
 * JWT signing keys. Production passes PEM keys through the environment; the embedded start
 * generates an Ed25519 pair once and keeps it in the data folder so tokens survive restarts.
 */
import { generateKeyPairSync, createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '../../common/config';

export interface SigningKeys {
  privateKeyPem: string;
  publicKeyPem: string;
  kid: string;
}

const kidOf = (publicKeyPem: string) => createHash('sha256').update(publicKeyPem).digest('base64url').slice(0, 16);

export function loadSigningKeys(config: AppConfig): SigningKeys {
  if (config.JWT_PRIVATE_KEY && config.JWT_PUBLIC_KEY) {
    const publicKeyPem = config.JWT_PUBLIC_KEY.replace(/\\n/g, '\n');
    return {
      privateKeyPem: config.JWT_PRIVATE_KEY.replace(/\\n/g, '\n'),
      publicKeyPem,
      kid: config.JWT_KEY_ID ?? kidOf(publicKeyPem),
    };
  }
  const file = join(config.dataDir, 'jwt-keys.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as SigningKeys;
  const { privateKey, publicKey } = generateKeyPairSync('ed25519', {
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const keys = { privateKeyPem: privateKey, publicKeyPem: publicKey, kid: kidOf(publicKey) };
  mkdirSync(config.dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}
