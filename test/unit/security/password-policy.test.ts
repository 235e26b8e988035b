/** The password policy (tenant parameter `passwordPolicy`) as passwordProblems applies it, and temporary passwords that meet it. */
import { passwordProblems } from '../../../activities/auth/password';
import { DEFAULT_PASSWORD_POLICY, PARAMETER_SCHEMAS } from '../../../activities/parameters/definitions';
import { generateTemporaryPassword } from '../../../activities/user/users';

describe('password policy', () => {
  it('keeps the original rule as the default', () => {
    expect(passwordProblems('Good-enough-42')).toEqual([]);
    expect(passwordProblems('Sh0rt')).toContain('must be at least 10 characters');
    expect(passwordProblems('onlyletters-here')).toContain('must contain letters and digits');
    expect(passwordProblems('Good-enough-42', DEFAULT_PASSWORD_POLICY)).toEqual([]);
  });

  it('checks length and every required class of a stricter policy', () => {
    const strict = { minLength: 16, requiredClasses: ['lower', 'upper', 'digit', 'symbol'] as const };
    const policy = { ...strict, requiredClasses: [...strict.requiredClasses] };
    expect(passwordProblems('Good-enough-42', policy)).toEqual(['must be at least 16 characters']);
    expect(passwordProblems('goodenoughpassword42', policy)).toEqual(['must contain lowercase letters, uppercase letters, digits and symbols']);
    expect(passwordProblems('Good-enough-pass-42', policy)).toEqual([]);
    // Letters of any script count; `letter` takes either case.
    expect(passwordProblems('пароль-пароль-12', { minLength: 8, requiredClasses: ['letter', 'digit'] })).toEqual([]);
    expect(passwordProblems('12345678', { minLength: 8, requiredClasses: [] })).toEqual([]);
  });

  it('generates temporary passwords that meet the policy they are made for', () => {
    const policies = [DEFAULT_PASSWORD_POLICY, { minLength: 32, requiredClasses: ['lower', 'upper', 'digit', 'symbol'] as ('lower' | 'upper' | 'digit' | 'symbol')[] }];
    for (const policy of policies) {
      for (let i = 0; i < 20; i++) {
        const pw = generateTemporaryPassword(policy);
        expect(pw.length).toBeGreaterThanOrEqual(Math.max(20, policy.minLength));
        expect(passwordProblems(pw, policy)).toEqual([]);
      }
    }
  });

  it('refuses policies below the floor or naming a class twice', () => {
    const schema = PARAMETER_SCHEMAS.passwordPolicy;
    expect(schema.safeParse({ minLength: 7, requiredClasses: [] }).success).toBe(false);
    expect(schema.safeParse({ minLength: 12, requiredClasses: ['digit', 'digit'] }).success).toBe(false);
    expect(schema.safeParse({ minLength: 12, requiredClasses: ['digit'], extra: true }).success).toBe(false);
    expect(schema.safeParse({ minLength: 12, requiredClasses: ['symbol', 'upper'] }).success).toBe(true);
  });
});
