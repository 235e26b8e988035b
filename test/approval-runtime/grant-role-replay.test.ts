/**
 * Replay: the committed history of a finished role-grant saga (grant, then tell the user) must
 * replay against the current workflow code.
 *
 * Regenerate (only for an intended, compatible change or a new baseline):
 *   RECORD_HISTORIES=1 TEST_DB_NAME=signoff_test_act npx jest test/approval-runtime/grant-role-replay
 */
import { join } from 'node:path';
import { parseCodecKeys } from '../../common/config';
import { createDataConverter } from '../../temporal/data-converter';
import { Role, UserRole } from '../../db/entities';
import { uniqueCode } from '../harness/harness';
import { exportHistory, itReplaysCommittedHistory, recordingIt } from '../harness/replay';
import { GRANT_ROLE_SAGA_TYPE, type GrantRoleSagaInput } from '../../workflows/approval/grant-role-saga';
import { act, approval, openTaskOf, publish, startRuntimeEnv, submit, until } from './helpers';

const HISTORY = join(__dirname, 'histories', 'grant-role-saga.json');

describe('grant-role saga replay', () => {
  recordingIt('records a finished saga history', async () => {
    const env = await startRuntimeEnv();
    try {
      const em = env.rt.orm.em.fork();
      const held = new Set((await em.find(UserRole, { tenantId: env.t.tenantId, userId: env.id('alice') })).map((l) => l.roleId));
      const role = (await em.find(Role, { tenantId: env.t.tenantId })).find((r) => !held.has(r.id) && r.code !== 'tenant_admin')!;
      const input: GrantRoleSagaInput = { tenantId: env.t.tenantId, tenantCode: env.t.tenantCode, userId: env.id('alice'), roleCode: role.code, requestId: 'replay', until: null };
      const client = await env.rt.temporal();
      const workflowId = `grant-role:${env.t.tenantCode}:${uniqueCode('req-')}:0`;
      const handle = await client.workflow.start(GRANT_ROLE_SAGA_TYPE, { workflowId, taskQueue: env.worker.taskQueue, args: [input] });
      expect(await handle.result()).toMatchObject({ status: 'granted' });
      exportHistory(env.rt.config, workflowId, undefined, HISTORY);
    } finally {
      await env.close();
    }
  });

  itReplaysCommittedHistory(HISTORY);
});

/**
 * Replay: an approval whose grantRole step takes the role from the form, recorded with the patch
 * `approval-grant-role-checks-approvers` (the approvers are passed; the manager who approved may
 * not give tenant_admin, so the step fails). Older histories without the marker (the system-steps
 * history) replay the unchecked way.
 *
 * Regenerate: RECORD_HISTORIES=1 TEST_DB_NAME=signoff_test_act npx jest test/approval-runtime/grant-role-replay -t 'form role'
 */
const CHECKED_HISTORY = join(__dirname, 'histories', 'approval-grant-role-checked.json');
/** A committed test-only key: the history is recorded encrypted (as every history now is) and must replay with it. */
const FIXTURE_KEY = 'grant-fixture:vyGzWIUGYtHksR2KbSW/v8gKUcYk+Gau1MjExRlJSDg=';
const fixtureConverter = () => createDataConverter(parseCodecKeys(FIXTURE_KEY).keyring!);

describe('approval replay: a grantRole step checked against the approvers', () => {
  recordingIt('records a refused form role grant', async () => {
    const env = await startRuntimeEnv({ TEMPORAL_CODEC_KEYS: `${process.env.TEMPORAL_CODEC_KEYS},${FIXTURE_KEY}`, TEMPORAL_CODEC_CURRENT_KEY: 'grant-fixture' });
    try {
      const key = await publish(env, [approval('one', [env.id('pete')]), { kind: 'action', id: 'grant', name: 'Grant the role', action: 'grantRole', args: { roleCode: { ref: 'form.note' } } } as never]);
      const id = await submit(env, key, { amount: 1, note: 'tenant_admin' });
      const d = await until(env, id, (x) => x.tasks.some((t: any) => t.status === 'open'));
      await act(env, 'pete', id, openTaskOf(d, env.id('pete')), 'approve');
      const done = await until(env, id, (x) => x.status !== 'running');
      expect(done.status).toBe('failed');
      exportHistory(env.rt.config, done.workflowId, undefined, CHECKED_HISTORY);
    } finally {
      await env.close();
    }
  });

  itReplaysCommittedHistory(CHECKED_HISTORY, { dataConverter: fixtureConverter() });
});
