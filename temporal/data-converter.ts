/**
 * The product's Temporal data converter, in one place: every Client, every Worker, the replay
 * tests and the bench take it from here, so nothing talks to Temporal with a different codec.
 *
 * Keys come from TEMPORAL_CODEC_KEYS / TEMPORAL_CODEC_CURRENT_KEY (validated by common/config.ts;
 * required in production). Without them, development and tests generate one key into the data
 * folder on first start (like the JWT keys), so `npm start` encrypts from its first workflow and
 * a second start can still read what the first wrote.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { parseCodecKeys, type AppConfig, type CodecKeyring } from '../common/config';
import { EncryptionCodec } from './encryption-codec';

export const GENERATED_KEYS_FILE = 'temporal-codec-keys.json';

type KeyConfig = Pick<AppConfig, 'NODE_ENV' | 'TEMPORAL_CODEC_KEYS' | 'TEMPORAL_CODEC_CURRENT_KEY' | 'dataDir'>;

/** The keyring from the environment, or (outside production) the one generated into DATA_DIR. */
export function loadCodecKeyring(config: KeyConfig): CodecKeyring {
  if (config.TEMPORAL_CODEC_KEYS) {
    const { keyring, problems } = parseCodecKeys(config.TEMPORAL_CODEC_KEYS, config.TEMPORAL_CODEC_CURRENT_KEY);
    if (!keyring) throw new Error(`TEMPORAL_CODEC_KEYS: ${problems.join('; ')}`);
    return keyring;
  }
  if (config.NODE_ENV === 'production') throw new Error('TEMPORAL_CODEC_KEYS is required when NODE_ENV=production');
  const file = join(config.dataDir, GENERATED_KEYS_FILE);
  if (!existsSync(file)) {
    const generated = { keys: `dev-${randomBytes(4).toString('hex')}:${randomBytes(32).toString('base64')}` };
    mkdirSync(config.dataDir, { recursive: true });
    // 'wx': if another process of this start wrote it meanwhile, keep theirs.
    try {
      writeFileSync(file, JSON.stringify(generated, null, 2), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  const stored = JSON.parse(readFileSync(file, 'utf8')) as { keys: string; current?: string };
  const { keyring, problems } = parseCodecKeys(stored.keys, stored.current);
  if (!keyring) throw new Error(`${file}: ${problems.join('; ')}`);
  return keyring;
}

export interface SignoffDataConverter extends DataConverter {
  payloadCodecs: [EncryptionCodec];
}

export function createDataConverter(keyring: CodecKeyring): SignoffDataConverter {
  return { payloadCodecs: [new EncryptionCodec(keyring)] };
}

/** The data converter for this configuration (keys loaded, or generated in development). */
export const dataConverterFor = (config: KeyConfig): SignoffDataConverter => createDataConverter(loadCodecKeyring(config));
