/**
 * Replay: the committed history of a finished role-grant saga (grant, then tell the user) must
 * replay against the current workflow code.
 *
 * Regenerate (only for an intended, compatible change or a new baseline):
 *   RECORD_HISTORIES=1 TEST_DB_NAME=signoff_test_act npx jest test/approval-runtime/grant-role-replay
 */
import { join } from 'node:path';
import { Role, UserRole } from '../../db/entities';
import { uniqueCode } from '../harness/harness';
import { exportHistory, itReplaysCommittedHistory, recordingIt } from '../harness/replay';
import { GRANT_ROLE_SAGA_TYPE, type GrantRoleSagaInput } from '../../workflows/approval/grant-role-saga';
import { startRuntimeEnv } from './helpers';

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
