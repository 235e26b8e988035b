/** Pure pieces of the user module, without services. */
import { passwordProblems } from '../../activities/auth/password';
import { ancestorsNearestFirst } from '../../activities/user/org-chart';
import { parseInput } from '../../common/schema';
import { ManagerChainOptions, TimeZone, UserListQuery } from '../../activities/user/schema';
import { generateTemporaryPassword, scopeWhere } from '../../activities/user/users';
import { ValidationError } from '../../common/errors';

describe('user module logic', () => {
  it('accepts IANA zones in canonical spelling and rejects the rest', () => {
    expect(TimeZone.parse('Europe/Paris')).toBe('Europe/Paris');
    expect(TimeZone.parse(' america/new_york ')).toBe('America/New_York');
    expect(TimeZone.parse('UTC')).toBe('UTC');
    for (const bad of ['Mars/Base', '+02:00', 'Europe/', 'x'.repeat(65)]) expect(TimeZone.safeParse(bad).success).toBe(false);
  });

  it('generates temporary passwords that pass the rules and differ each time', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const pw = generateTemporaryPassword();
      expect(pw).toHaveLength(20);
      expect(pw).not.toMatch(/[0O1lI]/);
      expect(passwordProblems(pw)).toEqual([]);
      seen.add(pw);
    }
    expect(seen.size).toBe(200);
  });

  it('reads ancestors from a materialised path, nearest first', () => {
    expect(ancestorsNearestFirst('/a/b/c/')).toEqual(['c', 'b', 'a']);
    expect(ancestorsNearestFirst('/root/')).toEqual(['root']);
  });

  it('turns a data scope into a user filter', () => {
    expect(scopeWhere({ all: true })).toEqual({});
    expect(scopeWhere({ all: false, departmentIds: [], selfUserId: 'me' })).toEqual({ id: 'me' });
    expect(scopeWhere({ all: false, departmentIds: ['d1', 'd2'], selfUserId: 'me' })).toEqual({
      $or: [{ departmentId: { $in: ['d1', 'd2'] } }, { id: 'me' }],
    });
  });

  it('parses query booleans strictly and reports service-level input errors as 422', () => {
    expect(UserListQuery.parse({ includeSubtree: 'false' }).includeSubtree).toBe(false);
    expect(UserListQuery.parse({ includeSubtree: 'true' }).includeSubtree).toBe(true);
    expect(UserListQuery.safeParse({ includeSubtree: 'yes please' }).success).toBe(false);
    let err: unknown;
    try {
      parseInput(ManagerChainOptions, { maxLevels: 0 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ status: 422, errors: [{ path: 'maxLevels' }] });
  });
});
