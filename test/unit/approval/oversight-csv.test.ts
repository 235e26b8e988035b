/** CSV fields of the oversight export: quoted when needed, never read as a formula by a spreadsheet. */
import { csvField } from '../../../activities/approval/instances/oversight';
import { mayStart } from '../../../activities/approval/catalog';

describe('oversight CSV fields', () => {
  it('quotes separators, quotes and line breaks', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });
  it('defuses cells a spreadsheet would run as formulas', () => {
    for (const text of ['=HYPERLINK("x")', '+1', '-2+3', '@SUM(A1)']) expect(csvField(text).replace(/^"/, '').startsWith("'")).toBe(true);
  });
});

describe('who may start a template', () => {
  const starter = { userId: 'u1', departmentId: 'd3', departmentPath: '/d1/d2/d3/', roleCodes: new Set(['employee']) };
  const none = { everyone: false, departments: [], roleCodes: [], userIds: [] };
  it('everyone, or templates published before starters existed', () => {
    expect(mayStart(starter, undefined)).toBe(true);
    expect(mayStart(starter, { ...none, everyone: true })).toBe(true);
    expect(mayStart(starter, none)).toBe(false);
  });
  it('a named person, a role held, a department with or without its subtree', () => {
    expect(mayStart(starter, { ...none, userIds: ['u1'] })).toBe(true);
    expect(mayStart(starter, { ...none, roleCodes: ['employee'] })).toBe(true);
    expect(mayStart(starter, { ...none, roleCodes: ['finance'] })).toBe(false);
    expect(mayStart(starter, { ...none, departments: [{ departmentId: 'd2', includeSubtree: true }] })).toBe(true);
    expect(mayStart(starter, { ...none, departments: [{ departmentId: 'd2', includeSubtree: false }] })).toBe(false);
    expect(mayStart(starter, { ...none, departments: [{ departmentId: 'd3', includeSubtree: false }] })).toBe(true);
    expect(mayStart({ ...starter, departmentId: null, departmentPath: null }, { ...none, departments: [{ departmentId: 'd2', includeSubtree: true }] })).toBe(false);
  });
});
