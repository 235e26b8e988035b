/** Unit: the per-tenant sender keeps the platform's address and names the tenant. */
import { tenantSender } from '../../activities/support/notifications/mailer';

describe('tenantSender', () => {
  it('puts the tenant name in front of the platform name, keeping the address', () => {
    expect(tenantSender('Signoff <no-reply@signoff.local>', 'Acme Corp')).toEqual({ name: 'Acme Corp (Signoff)', address: 'no-reply@signoff.local' });
    expect(tenantSender('"Back Office" <bo@example.com>', 'Acme')).toEqual({ name: 'Acme (Back Office)', address: 'bo@example.com' });
  });

  it('copes with a bare address and with no tenant', () => {
    expect(tenantSender('bo@example.com', 'Acme')).toEqual({ name: 'Acme (Signoff)', address: 'bo@example.com' });
    expect(tenantSender('Signoff <no-reply@signoff.local>', null)).toEqual({ name: 'Signoff', address: 'no-reply@signoff.local' });
  });
});
