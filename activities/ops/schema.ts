/**
 * The Temporal codec-server protocol (what the Temporal Web UI and `temporal … --codec-endpoint`
 * send to /encode and /decode): `temporal.api.common.v1.Payloads` as protobuf JSON, i.e. bytes as
 * base64, metadata as a map of base64 values.
 */
import { z } from 'zod';

/** Protobuf JSON accepts standard and URL-safe base64, padded or not. */
const Base64 = z.string().max(4_000_000).regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');

export const CodecPayload = z.object({
  metadata: z.record(z.string().max(256), Base64).nullish(),
  data: Base64.nullish(),
});
export type CodecPayload = z.infer<typeof CodecPayload>;

export const CodecPayloads = z.object({ payloads: z.array(CodecPayload).max(1000) });
export type CodecPayloads = z.infer<typeof CodecPayloads>;
