/** The caller's tenant: settings and user quota. */
import type { Runtime } from '../runtime';
import type { Actor } from '../../common/actor';
import { ConflictError, NotFoundError } from '../../common/errors';
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
    return toTenantView(tenant, usersCount);
  }

  /**
   * Change name, time zone or quota. The quota may not drop below the users that exist: the
   * tenant row is locked while counting, so a user created concurrently cannot slip in between
   * (UserService.create takes the same lock).
   */
  async update(actor: Actor, raw: UpdateTenantInput): Promise<TenantView> {
    const input = parseInput(UpdateTenantInput, raw, 'The tenant cannot be changed');
    const view = await this.em.fork().transactional(async (tx) => {
      const tenant = await lockTenant(tx, actor.tenantId);
      const usersCount = await tx.count(User, { tenantId: actor.tenantId, deletedAt: null });
      if (input.userQuota !== undefined && input.userQuota < usersCount) {
        throw new ConflictError('quota_below_usage', `The tenant has ${usersCount} users; the quota cannot be lower`, { usersCount });
      }
      if (input.name !== undefined) tenant.name = input.name;
      if (input.timeZone !== undefined) tenant.timeZone = input.timeZone;
      if (input.userQuota !== undefined) tenant.userQuota = input.userQuota;
      await tx.flush();
      return toTenantView(tenant, usersCount);
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
