/**
 * Tenant parameters: the one accessor the code reads them through (`get`), and the tenant
 * admin's view and changes.
 *
 * Cache. `get` is on hot paths (every sign-in and refresh, every password set, every submit of a
 * template counting working days), so the effective set is cached in Redis, shared by every API
 * and worker process, with the permission cache's version scheme: the set lives under
 * `params:<tenant>:<version>`, `<version>` being the counter `params:ver:<tenant>`. A change
 * commits, then INCRs the counter; from then on every process builds a key nobody wrote yet,
 * misses and reloads, so a change is seen by all processes at once. A reader that loaded the old
 * rows just before the commit can only store them under the old version, which nobody reads any
 * more (a DEL of one key would let such a late writer put the stale set back until its TTL).
 * There is deliberately no in-process cache: it would need its own invalidation message, and a
 * Redis GET pair is cheap next to what the callers do (scrypt, a database write, a workflow start).
 */
import type { Runtime } from '../runtime';
import type { Actor } from '../../common/actor';
import { parseInput } from '../../common/schema';
import { Tenant, TenantParameter } from '../../db/entities';
import type { WorkingCalendar } from '../../workflows/approval/dsl/calendar';
import {
  normalized,
  PARAMETER_KEYS,
  PARAMETER_SCHEMAS,
  PatchParametersInput,
  platformDefaults,
  ReplaceParametersInput,
  type ParameterKey,
  type ParametersView,
  type TenantParameters,
} from './definitions';

/** A cached set lives this long at most; invalidation makes a change visible before that. */
const CACHE_TTL_SECONDS = 600;

export const parameterCacheKeys = {
  version: (tenantId: string) => `params:ver:${tenantId}`,
  set: (tenantId: string, version: string) => `params:${tenantId}:${version}`,
};

/** The effective values and which parameters a tenant has set (the rest are defaults). */
interface Effective {
  values: TenantParameters;
  customized: ParameterKey[];
}

export class TenantParameterService {
  constructor(private readonly rt: Runtime) {}

  /** The platform defaults of this process (code, and the environment where the config has the value). */
  get defaults(): TenantParameters {
    return platformDefaults(this.rt.config);
  }

  /** The tenant's effective parameters: what the code uses. */
  async get(tenantId: string): Promise<TenantParameters> {
    return (await this.effective(tenantId)).values;
  }

  /** The working calendar approval steps count working days on (parameters and the tenant's time zone). */
  async calendarOf(tenantId: string): Promise<WorkingCalendar> {
    const [{ workingDays, holidays }, tenant] = await Promise.all([this.get(tenantId), this.rt.orm.em.fork().findOneOrFail(Tenant, { id: tenantId })]);
    return { timeZone: tenant.timeZone, workingDays, holidays };
  }

  async view(actor: Actor): Promise<ParametersView> {
    const { values, customized } = await this.effective(actor.tenantId);
    return { values, platformDefaults: this.defaults, defaulted: PARAMETER_KEYS.filter((k) => !customized.includes(k)) };
  }

  /** PUT: the whole set; parameters left out go back to the default. Checked as a whole first. */
  async replace(actor: Actor, raw: ReplaceParametersInput): Promise<ParametersView> {
    const input = parseInput(ReplaceParametersInput, raw, 'The parameters cannot be saved');
    const changes = Object.fromEntries(PARAMETER_KEYS.map((k) => [k, input[k] ?? null])) as Changes;
    return this.apply(actor, changes);
  }

  /** PATCH: the parameters named change (`null`: back to the default). Checked as a whole first. */
  async patch(actor: Actor, raw: PatchParametersInput): Promise<ParametersView> {
    const input = parseInput(PatchParametersInput, raw, 'The parameters cannot be saved');
    return this.apply(actor, input as Changes);
  }

  /**
   * Write the changes in one transaction (all or nothing), then invalidate the cache and align
   * what follows a parameter outside the database (the digest schedule).
   */
  private async apply(actor: Actor, changes: Changes): Promise<ParametersView> {
    const before = await this.get(actor.tenantId);
    await this.rt.orm.em.fork().transactional(async (tx) => {
      const rows = await tx.find(TenantParameter, { tenantId: actor.tenantId });
      for (const key of PARAMETER_KEYS) {
        if (!(key in changes)) continue;
        const value = changes[key];
        const row = rows.find((r) => r.parameter === key);
        if (value === null || value === undefined) {
          if (row) tx.remove(row);
        } else if (row) {
          row.value = JSON.stringify(normalized(key, value));
          row.updatedBy = actor.userId;
        } else {
          tx.create(TenantParameter, { tenantId: actor.tenantId, parameter: key, value: JSON.stringify(normalized(key, value)), updatedBy: actor.userId });
        }
      }
      await tx.flush();
    });
    await this.invalidate(actor.tenantId);
    const view = await this.view(actor);
    if (view.values.digestTime !== before.digestTime) {
      // The digest follows its time. Should the scheduler be unreachable now, the next worker
      // start aligns it (ensureAll): the parameter itself is saved either way.
      const tenant = await this.rt.orm.em.fork().findOneOrFail(Tenant, { id: actor.tenantId });
      await this.rt.services.digestSchedules
        .ensure(tenant)
        .catch((err: unknown) => this.rt.log.warn({ err, tenant: tenant.code }, 'digest schedule not updated'));
    }
    return view;
  }

  /** Make every process reload the tenant's parameters (call after a change has committed). */
  async invalidate(tenantId: string): Promise<void> {
    await this.rt.redis.incr(parameterCacheKeys.version(tenantId));
  }

  private async effective(tenantId: string): Promise<Effective> {
    const version = (await this.rt.redis.get(parameterCacheKeys.version(tenantId))) ?? '0';
    const key = parameterCacheKeys.set(tenantId, version);
    const cached = await this.rt.redis.get(key);
    if (cached) return JSON.parse(cached) as Effective;
    const loaded = await this.load(tenantId);
    await this.rt.redis.set(key, JSON.stringify(loaded), 'EX', CACHE_TTL_SECONDS);
    return loaded;
  }

  private async load(tenantId: string): Promise<Effective> {
    const rows = await this.rt.orm.em.fork().find(TenantParameter, { tenantId });
    const values = { ...this.defaults } as Record<ParameterKey, unknown>;
    const customized: ParameterKey[] = [];
    for (const row of rows) {
      if (!(PARAMETER_KEYS as string[]).includes(row.parameter)) continue; // a parameter retired from the code
      const key = row.parameter as ParameterKey;
      // A stored value that no longer fits its schema (a rule tightened since) falls back to the default.
      const parsed = PARAMETER_SCHEMAS[key].safeParse(safeJson(row.value));
      if (!parsed.success) {
        this.rt.log.warn({ tenantId, key, issues: parsed.error.issues.length }, 'stored tenant parameter is not valid any more; using the default');
        continue;
      }
      values[key] = parsed.data;
      customized.push(key);
    }
    return { values: values as TenantParameters, customized };
  }
}

type Changes = { [K in ParameterKey]?: TenantParameters[K] | null };

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
