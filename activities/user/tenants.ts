/** The caller's tenant: settings, and its package's user quota (read only: see activities/package). */
import type { Runtime } from '../runtime';
import type { Actor } from '../../common/actor';
import { NotFoundError } from '../../common/errors';
import { packageOf } from '../package/quotas';
import { Tenant, User } from '../../db/entities';
import { lockTenant } from './tenant-lock';
import { parseInput } from '../../common/schema';
import { toTenantView, UpdateTenantInput, type TenantView } from './schema';

export class TenantService {
  constructor(private readonly rt: Runtime) {}

  private get em() {
    return this.rt.orm.em;
  }

  /** The actor's own tenant (there is no way to name another one). */
  async current(actor: Actor): Promise<TenantView> {
    const tenant = await this.em.findOne(Tenant, { id: actor.tenantId });
    if (!tenant) throw new NotFoundError('tenant', actor.tenantId);
    const usersCount = await this.em.count(User, { tenantId: actor.tenantId, deletedAt: null });
    return toTenantView(tenant, await packageOf(this.em, tenant), usersCount);
  }

  /** Change name or time zone. The quotas are the package's: a platform operator's to change. */
  async update(actor: Actor, raw: UpdateTenantInput): Promise<TenantView> {
    const input = parseInput(UpdateTenantInput, raw, 'The tenant cannot be changed');
    const view = await this.em.fork().transactional(async (tx) => {
      const tenant = await lockTenant(tx, actor.tenantId);
      if (input.name !== undefined) tenant.name = input.name;
      if (input.timeZone !== undefined) tenant.timeZone = input.timeZone;
      await tx.flush();
      return toTenantView(tenant, await packageOf(tx, tenant), await tx.count(User, { tenantId: actor.tenantId, deletedAt: null }));
    });
    // The digest follows the tenant's clock. Should the scheduler be unreachable now, the next
    // worker start aligns it: the setting itself is saved either way.
    if (input.timeZone !== undefined) {
      await this.rt.services.digestSchedules
        .ensure({ id: actor.tenantId, code: view.code, timeZone: view.timeZone })
        .catch((err: unknown) => this.rt.log.warn({ err, tenant: view.code }, 'digest schedule not updated'));
    }
    return view;
  }
}
