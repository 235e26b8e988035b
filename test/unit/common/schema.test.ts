/** The shared validation atoms: one definition each, so these rules hold on every route using them. */
import { z } from 'zod';
import { ValidationError } from '../../../common/errors';
import { Instant, parseInput, QueryBool, SearchText, toDate, iso } from '../../../common/schema';

describe('QueryBool', () => {
  it.each([
    ['true', true],
    ['1', true],
    ['false', false],
    ['0', false],
  ])('reads %j as %j', (raw, expected) => {
    expect(QueryBool.parse(raw)).toBe(expected);
  });

  it.each(['yes', 'no', 'on', 'TRUE', 'False', '', ' true', '2'])('refuses %j instead of guessing', (raw) => {
    expect(QueryBool.safeParse(raw).success).toBe(false);
  });

  it('keeps its default when the parameter is absent, and reads "false" as false even then', () => {
    const Query = z.object({ force: QueryBool.default(false), unread: QueryBool.optional() });
    expect(Query.parse({})).toEqual({ force: false, unread: undefined });
    expect(Query.parse({ force: 'false', unread: '0' })).toEqual({ force: false, unread: false });
    expect(Query.parse({ force: '1', unread: 'true' })).toEqual({ force: true, unread: true });
  });

  it('documents the values it takes', () => {
    expect(z.toJSONSchema(QueryBool, { io: 'input' })).toMatchObject({ type: 'string', enum: expect.arrayContaining(['true', 'false', '1', '0']) });
  });
});

describe('SearchText', () => {
  it('trims, and an empty or blank filter means no filter', () => {
    expect(SearchText.parse('  pete ')).toBe('pete');
    expect(SearchText.parse('')).toBeUndefined();
    expect(SearchText.parse('   ')).toBeUndefined();
    expect(SearchText.parse(undefined)).toBeUndefined();
  });

  it('refuses more than 100 characters', () => {
    expect(SearchText.safeParse('x'.repeat(101)).success).toBe(false);
  });
});

describe('Instant, toDate and iso', () => {
  it('takes an instant with an offset only, and stays a string until toDate', () => {
    expect(Instant.parse('2025-03-01T09:00:00+01:00')).toBe('2025-03-01T09:00:00+01:00');
    expect(Instant.safeParse('2025-03-01T09:00:00').success).toBe(false);
    expect(Instant.safeParse('2025-03-01').success).toBe(false);
    expect(toDate('2025-03-01T09:00:00+01:00').toISOString()).toBe('2025-03-01T08:00:00.000Z');
    expect(toDate(null)).toBeNull();
    expect(toDate(undefined)).toBeUndefined();
    expect(iso(new Date('2025-03-01T08:00:00Z'))).toBe('2025-03-01T08:00:00.000Z');
    expect(iso(null)).toBeNull();
  });
});

describe('parseInput', () => {
  it('returns the parsed value or throws a 422 with every problem by path', () => {
    const Input = z.object({ name: z.string().min(1), tags: z.array(z.string()).max(1) });
    expect(parseInput(Input, { name: 'a', tags: [] })).toEqual({ name: 'a', tags: [] });
    let caught: unknown;
    try {
      parseInput(Input, { name: '', tags: ['a', 'b'] }, 'The thing cannot be saved');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    const err = caught as ValidationError;
    expect(err.status).toBe(422);
    expect(err.message).toBe('The thing cannot be saved');
    expect(err.errors?.map((e) => e.path).sort()).toEqual(['name', 'tags']);
    expect(() => parseInput(Input, 'not an object')).toThrow(ValidationError);
  });
});
