import { UnauthorizedError } from '../../common/errors';
import type { Tenant } from '../../db/entities';

/**
 * Why a token or API key of this tenant is refused: suspended by the platform (a clear code the
 * client can show), or otherwise not open (disabled, gone, being created or deleted).
 */
export function tenantRefused(tenant: Pick<Tenant, 'status'> | null): UnauthorizedError {
  if (tenant?.status === 'suspended') return new UnauthorizedError('tenant_suspended', 'The tenant is suspended by the platform');
  return new UnauthorizedError('tenant_disabled', 'The tenant is disabled');
}
