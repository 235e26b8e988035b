/**
 * Replay tests of committed workflow histories, shared by every workflow type:
 *  - `recordingIt`: a test that (re)records a history, run only with RECORD_HISTORIES=1;
 *  - `exportHistory`: write a finished run's history as the CLI/Web UI export it;
 *  - `itReplaysCommittedHistory`: the committed history replays with today's workflow code, and
 *    a tampered copy is refused (proof that the check can fail).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { ensureTemporalCli } from '../../temporal/cli';
import { dataConverterFor, loadCodecKeyring } from '../../temporal/data-converter';
import { EncryptionCodec } from '../../temporal/encryption-codec';
import { loadConfig, type AppConfig } from '../../common/config';
import { historyFromJson, loadHistory } from './history';

export const recordingIt = process.env.RECORD_HISTORIES ? it : it.skip;

const bundle = () => ({ codePath: process.env.SIGNOFF_TEST_BUNDLE! });

/**
 * Replay with the product's data converter, as a worker would: the committed histories written
 * before payload encryption are clear and must still replay through it; newer ones are encrypted.
 */
export const replayOptions = (dataConverter: DataConverter = dataConverterFor(loadConfig())) => ({ workflowBundle: bundle(), dataConverter });

export function exportHistory(
  config: { TEMPORAL_ADDRESS?: string; TEMPORAL_NAMESPACE: string },
  workflowId: string,
  runId: string | undefined,
  file: string,
): void {
  const json = execFileSync(ensureTemporalCli(), [
    'workflow', 'show', '--output', 'json',
    '--address', config.TEMPORAL_ADDRESS!, '--namespace', config.TEMPORAL_NAMESPACE,
    '--workflow-id', workflowId, ...(runId ? ['--run-id', runId] : []),
  ]);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(JSON.parse(json.toString('utf8')), null, 2) + '\n');
}

/**
 * Export a finished run's history with its payloads decrypted (the run's own keys), so it can be
 * committed under a `histories/` folder, clear like the histories from before encryption: the
 * replay then needs no fixture key, and `test/security/codec.test.ts` checks it is clear and
 * replays through the codec.
 */
export async function exportClearHistory(config: AppConfig, workflowId: string, file: string): Promise<void> {
  exportHistory(config, workflowId, undefined, file);
  const codec = new EncryptionCodec(loadCodecKeyring(config));
  const b64 = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('base64');
  const clear = async (node: unknown): Promise<unknown> => {
    if (Array.isArray(node)) return Promise.all(node.map(clear));
    if (!node || typeof node !== 'object') return node;
    const obj = node as Record<string, unknown>;
    const meta = obj.metadata as Record<string, string> | undefined;
    if (meta && typeof meta.encoding === 'string' && Buffer.from(meta.encoding, 'base64').toString() === 'binary/encrypted') {
      const [p] = await codec.decode([
        { metadata: Object.fromEntries(Object.entries(meta).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])), data: new Uint8Array(Buffer.from(String(obj.data ?? ''), 'base64')) },
      ]);
      return { metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, b64(v)])), data: b64(p.data) };
    }
    return Object.fromEntries(await Promise.all(Object.entries(obj).map(async ([k, v]) => [k, await clear(v)])));
  };
  writeFileSync(file, JSON.stringify(await clear(JSON.parse(readFileSync(file, 'utf8'))), null, 2) + '\n');
}

/** `dataConverter`: for a history encrypted under a fixture key (default: the run's keys). */
export function itReplaysCommittedHistory(file: string, opts: { dataConverter?: DataConverter } = {}): void {
  it('replays the committed history with the current workflow code', async () => {
    expect(existsSync(file)).toBe(true);
    await Worker.runReplayHistory(replayOptions(opts.dataConverter), loadHistory(file));
  });

  it('would notice a workflow that no longer matches the history', async () => {
    // Same history with its first activity renamed: replay must refuse it.
    const history = JSON.parse(readFileSync(file, 'utf8'));
    const scheduled = history.events.find((e: any) => e.activityTaskScheduledEventAttributes);
    expect(scheduled).toBeDefined();
    scheduled.activityTaskScheduledEventAttributes.activityType.name = 'somethingElse';
    await expect(Worker.runReplayHistory(replayOptions(opts.dataConverter), historyFromJson(history))).rejects.toBeInstanceOf(DeterminismViolationError);
  });
}
