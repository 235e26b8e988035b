/**
 * Payload encryption for everything the product stores in Temporal: workflow and activity
 * inputs and results, Update arguments, memos, summaries and details, query answers. Temporal
 * keeps histories for as long as workflows are retained and shows them in its Web UI; approval
 * forms, new hires' personal data and webhook bodies must not sit there in clear.
 *
 * Format of an encrypted payload:
 *   metadata  encoding = binary/encrypted, encryption-key-id = <kid>
 *   data      IV (12 random bytes) ‖ AES-256-GCM ciphertext of the whole original Payload
 *             (protobuf: its metadata and data) ‖ GCM tag (16 bytes)
 * The original encoding travels inside the ciphertext, so decoding restores the payload exactly.
 *
 * Payloads without `binary/encrypted` pass through untouched: histories written before
 * encryption was turned on still replay and read. A payload whose key id is unknown, or whose
 * ciphertext or tag was altered, fails to decode (GCM authenticates it): never silently wrong.
 *
 * Rotation: every key of the keyring decrypts, only the current one encrypts.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { CodecKeyring } from '../common/config';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const ProtoPayload = temporal.api.common.v1.Payload;
const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined) => (b ? new TextDecoder().decode(b) : undefined);

export class PayloadDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadDecryptionError';
  }
}

export const isEncrypted = (p: Payload): boolean => text(p.metadata?.encoding) === ENCRYPTED_ENCODING;

export class EncryptionCodec implements PayloadCodec {
  private readonly keys: ReadonlyMap<string, Buffer>;

  constructor(private readonly keyring: CodecKeyring) {
    this.keys = new Map(keyring.all.map((k) => [k.id, k.key]));
  }

  /** Id of the key that encrypts now. */
  get currentKeyId(): string {
    return this.keyring.current.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.encrypt(p));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.decrypt(p));
  }

  private encrypt(payload: Payload): Payload {
    // Never wrap twice: a payload that is already ciphertext (e.g. sent back to /encode by a
    // codec-endpoint client) stays as it is, so one decode always yields the original.
    if (isEncrypted(payload)) return payload;
    const { id, key } = this.keyring.current;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const plain = ProtoPayload.encode(payload).finish();
    const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return { metadata: { encoding: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8(id) }, data: new Uint8Array(data) };
  }

  private decrypt(payload: Payload): Payload {
    if (!isEncrypted(payload)) return payload;
    const id = text(payload.metadata?.[KEY_ID_METADATA]);
    const key = id ? this.keys.get(id) : undefined;
    if (!key) throw new PayloadDecryptionError(`Payload encrypted with key "${id ?? '?'}", which is not in TEMPORAL_CODEC_KEYS`);
    const data = payload.data ?? new Uint8Array();
    if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError('Encrypted payload is truncated');
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(`Encrypted payload (key "${id}") failed authentication: altered or wrong key`);
    }
    const decoded = ProtoPayload.decode(plain);
    return { metadata: decoded.metadata, data: decoded.data };
  }
}
