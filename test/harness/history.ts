/**
 * Load a JSON history file (as `temporal workflow show -o json` or the Web UI export it) into a
 * History object for the replayer, with the SDK's own parser.
 *
 * This needs one protobufjs 8 in the install: package.json pins `protobufjs` so npm dedupes the
 * copies under @temporalio/common and @temporalio/proto (two copies fail with "type must be a Type").
 */
import { readFileSync } from 'node:fs';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';

type History = ReturnType<typeof historyFromJSON>;

export function historyFromJson(json: unknown): History {
  const history = historyFromJSON(json);
  if (!history?.events?.length) throw new TypeError('Not a workflow history');
  return history;
}

export const loadHistory = (file: string): History => historyFromJson(JSON.parse(readFileSync(file, 'utf8')));
