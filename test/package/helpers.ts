/** Packages written straight to the database, for suites that need a tenant at a given quota. */
import type { Runtime } from '../../activities/runtime';
import { newId } from '../../common/ids';
import { Package, Tenant } from '../../db/entities';
import { uniqueCode } from '../harness/harness';

export interface Limits {
  maxUsers?: number | null;
  maxTemplates?: number | null;
  maxStorageBytes?: number | null;
  apiRequestsPerMinute?: number | null;
  maxRunningApprovals?: number | null;
}

/** A fresh package with these limits (others unlimited), put on the tenant. */
export async function putOnPackage(rt: Runtime, tenantId: string, limits: Limits): Promise<Package> {
  const em = rt.orm.em.fork();
  const pkg = em.create(Package, { id: newId(), code: uniqueCode('pkg'), name: 'Test package', ...limits });
  await em.flush();
  await em.nativeUpdate(Tenant, { id: tenantId }, { packageId: pkg.id });
  rt.services.packages.forget(tenantId);
  return pkg;
}
