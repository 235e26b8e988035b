/**
 * The payload codec on its own: AES-256-GCM round trip, tampering, key rotation, clear payloads
 * from before encryption, and the data converter the product builds around it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { parseCodecKeys, type CodecKeyring } from '../../../common/config';
import { EncryptionCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA, PayloadDecryptionError } from '../../../temporal/encryption-codec';
import { GENERATED_KEYS_FILE, loadCodecKeyring } from '../../../temporal/data-converter';

const b64 = () => randomBytes(32).toString('base64');
const keyring = (raw: string, current?: string): CodecKeyring => {
  const { keyring: k, problems } = parseCodecKeys(raw, current);
  if (!k) throw new Error(problems.join('; '));
  return k;
};
const text = (b?: Uint8Array | null) => Buffer.from(b ?? new Uint8Array()).toString('utf8');
const toPayload = (v: unknown) => defaultPayloadConverter.toPayload(v);
const fromPayload = (p: Payload) => defaultPayloadConverter.fromPayload(p);

const form = { title: 'Sick leave — Alice Alvarez', form: { reason: 'Surgery on 2026-03-02', iban: 'DE89370400440532013000' } };

describe('EncryptionCodec', () => {
  const k1 = b64();
  const k2 = b64();

  it('round-trips a payload exactly, and the stored bytes show none of the plaintext', async () => {
    const codec = new EncryptionCodec(keyring(`k1:${k1}`));
    const original = toPayload(form);
    const [encoded] = await codec.encode([original]);
    expect(text(encoded.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(encoded.metadata![KEY_ID_METADATA])).toBe('k1');
    expect(Object.keys(encoded.metadata!).sort()).toEqual(['encoding', KEY_ID_METADATA].sort());
    for (const secret of ['Alice', 'Surgery', 'DE89370400440532013000', 'json/plain']) expect(text(encoded.data)).not.toContain(secret);
    const [decoded] = await codec.decode([encoded]);
    expect(text(decoded.metadata!.encoding)).toBe('json/plain');
    expect(fromPayload(decoded)).toEqual(form);
  });

  it('uses a fresh IV for every payload: the same value never encrypts to the same bytes', async () => {
    const codec = new EncryptionCodec(keyring(`k1:${k1}`));
    const [a, b] = await codec.encode([toPayload('same'), toPayload('same')]);
    expect(Buffer.from(a.data!).equals(Buffer.from(b.data!))).toBe(false);
    expect(Buffer.from(a.data!).subarray(0, 12).equals(Buffer.from(b.data!).subarray(0, 12))).toBe(false);
  });

  it('keeps empty and binary payloads intact', async () => {
    const codec = new EncryptionCodec(keyring(`k1:${k1}`));
    const payloads = [toPayload(undefined), toPayload(new Uint8Array([0, 1, 2, 255])), toPayload(null)];
    const decoded = await codec.decode(await codec.encode(payloads));
    expect(decoded.map(fromPayload)).toEqual([undefined, new Uint8Array([0, 1, 2, 255]), null]);
  });

  it('refuses a payload whose ciphertext, IV or tag was altered', async () => {
    const codec = new EncryptionCodec(keyring(`k1:${k1}`));
    const [encoded] = await codec.encode([toPayload(form)]);
    for (const at of [0, 20, encoded.data!.length - 1]) {
      const data = new Uint8Array(encoded.data!);
      data[at] ^= 0x01;
      await expect(codec.decode([{ ...encoded, data }])).rejects.toThrow(PayloadDecryptionError);
    }
    await expect(codec.decode([{ ...encoded, data: encoded.data!.subarray(0, 20) }])).rejects.toThrow(/truncated/);
  });

  it('refuses a payload under a key it does not have, or relabelled with another key id', async () => {
    const [underK2] = await new EncryptionCodec(keyring(`k2:${k2}`)).encode([toPayload(form)]);
    const onlyK1 = new EncryptionCodec(keyring(`k1:${k1}`));
    await expect(onlyK1.decode([underK2])).rejects.toThrow(/"k2", which is not in TEMPORAL_CODEC_KEYS/);
    const relabelled = { ...underK2, metadata: { ...underK2.metadata, [KEY_ID_METADATA]: new TextEncoder().encode('k1') } };
    await expect(onlyK1.decode([relabelled])).rejects.toThrow(/failed authentication/);
  });

  it('rotates: encrypts with the current key and still decrypts what older keys encrypted', async () => {
    const before = new EncryptionCodec(keyring(`k1:${k1}`));
    const [old] = await before.encode([toPayload('written under k1')]);
    const after = new EncryptionCodec(keyring(`k1:${k1},k2:${k2}`, 'k2'));
    expect(after.currentKeyId).toBe('k2');
    const [fresh] = await after.encode([toPayload('written under k2')]);
    expect(text(fresh.metadata![KEY_ID_METADATA])).toBe('k2');
    expect((await after.decode([old, fresh])).map(fromPayload)).toEqual(['written under k1', 'written under k2']);
    // Once k1 is retired from the list, its payloads can no longer be read: retire only after retention.
    await expect(new EncryptionCodec(keyring(`k2:${k2}`)).decode([old])).rejects.toThrow(/"k1"/);
  });

  it('passes clear payloads (histories from before encryption) through untouched', async () => {
    const codec = new EncryptionCodec(keyring(`k1:${k1}`));
    const clear = toPayload({ username: 'alice' });
    const [decoded] = await codec.decode([clear]);
    expect(decoded).toBe(clear);
  });

  it('never encrypts twice', async () => {
    const codec = new EncryptionCodec(keyring(`k1:${k1}`));
    const [once] = await codec.encode([toPayload('x')]);
    const [twice] = await codec.encode([once]);
    expect(twice).toBe(once);
  });
});

describe('codec keys from the environment', () => {
  it('accepts kid:base64 lists, picks the only key or the named current one', () => {
    expect(keyring(`only:${b64()}`).current.id).toBe('only');
    expect(keyring(`a:${b64()}, b:${b64()}`, 'a').all.map((k) => k.id)).toEqual(['a', 'b']);
    expect(keyring(`url-safe:${randomBytes(32).toString('base64url')}`).current.key.length).toBe(32);
  });

  it('explains each bad list without echoing key material', () => {
    const short = randomBytes(16).toString('base64');
    const problems = (raw: string, current?: string) => parseCodecKeys(raw, current).problems;
    expect(problems(`k1:${short}`)).toEqual(['key "k1" must be 32 random bytes in base64 (openssl rand -base64 32)']);
    expect(problems(`${b64()}`)[0]).toMatch(/must look like kid:base64key/);
    expect(problems(`k1:${b64()},k1:${b64()}`)).toEqual(['key id "k1" is listed twice']);
    expect(problems(`k1:${b64()},k2:${b64()}`)[0]).toMatch(/set TEMPORAL_CODEC_CURRENT_KEY/);
    expect(problems(`k1:${b64()}`, 'k9')[0]).toMatch(/"k9" is not one of the listed key ids/);
    expect(problems(' , ')).toEqual(['lists no key']);
    expect(problems(`k1:${short}`).join()).not.toContain(short);
  });

  it('outside production without keys, generates one into the data folder once and reuses it', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'codec-keys-'));
    const first = loadCodecKeyring({ NODE_ENV: 'development', dataDir });
    const second = loadCodecKeyring({ NODE_ENV: 'development', dataDir });
    expect(second.current.id).toBe(first.current.id);
    expect(second.current.key.equals(first.current.key)).toBe(true);
    expect(first.current.key.length).toBe(32);
    const file = join(dataDir, GENERATED_KEYS_FILE);
    expect(statSync(file).mode & 0o077).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain(first.current.id);
  });

  it('in production, never generates: keys must come from the environment', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'codec-keys-'));
    expect(() => loadCodecKeyring({ NODE_ENV: 'production', dataDir })).toThrow(/required when NODE_ENV=production/);
    expect(loadCodecKeyring({ NODE_ENV: 'production', dataDir, TEMPORAL_CODEC_KEYS: `p1:${b64()}` }).current.id).toBe('p1');
  });
});
