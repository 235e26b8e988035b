/** Shared set-up for the user-module suites: test bodies and rows the user API does not create itself. */
import { newId } from '../../common/ids';
import type { Runtime } from '../../activities/runtime';
import type { DataScope } from '../../db/entities';
import { Role, RoleDepartment, RolePermission, UserRole } from '../../db/entities';
import { uniqueCode } from '../harness/harness';

/** A valid create-user body with unique username and email. */
export const newUserBody = (extra: Record<string, unknown> = {}) => {
  const username = uniqueCode('u');
  return { username, email: `${username}@example.test`, displayName: `User ${username}`, ...extra };
};

/** A role written straight to the database (the role API belongs to another module). */
export async function createRole(
  rt: Runtime,
  tenantId: string,
  spec: { dataScope: DataScope; permissions: string[]; departmentIds?: string[]; userIds?: string[] },
): Promise<Role> {
  const em = rt.orm.em.fork();
  const role = em.create(Role, { id: newId(), tenantId, code: uniqueCode('role'), name: 'Test role', dataScope: spec.dataScope });
  for (const code of spec.permissions) em.create(RolePermission, { id: newId(), tenantId, roleId: role.id, permissionCode: code });
  for (const departmentId of spec.departmentIds ?? []) em.create(RoleDepartment, { id: newId(), tenantId, roleId: role.id, departmentId });
  for (const userId of spec.userIds ?? []) em.create(UserRole, { id: newId(), tenantId, userId, roleId: role.id });
  await em.flush();
  await rt.services.permissions.invalidateTenant(tenantId);
  return role;
}

/** Count SQL statements a piece of code sends (a spy that calls through to the real connection). */
export async function countQueries<T>(rt: Runtime, fn: () => Promise<T>): Promise<{ result: T; queries: string[] }> {
  const connection = rt.orm.em.getConnection();
  const spy = jest.spyOn(connection, 'execute');
  try {
    const result = await fn();
    return { result, queries: spy.mock.calls.map((c) => String(typeof c[0] === 'string' ? c[0] : (c[0] as { toString(): string }).toString())) };
  } finally {
    spy.mockRestore();
  }
}
