import { describe, expect, it } from 'vitest';
import en from './en';
import zhCN from './zh-CN';

// Every literal key the console passes to t() exists in both languages (dynamic keys are built
// from enums whose members the Messages type covers).
const sources = import.meta.glob('../**/*.{vue,ts}', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

const has = (messages: object, key: string) => key.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), messages) !== undefined;
const leaves = (o: object, prefix = ''): string[] =>
  Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? leaves(v, `${prefix}${k}.`) : [`${prefix}${k}`]));

describe('translations', () => {
  const used = new Set<string>();
  for (const [file, text] of Object.entries(sources)) {
    if (file.endsWith('.spec.ts')) continue;
    for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z][\w.]*)'/g)) used.add(m[1]);
  }

  it('finds the keys the console uses', () => {
    expect(used.size).toBeGreaterThan(150);
  });

  it('every key used exists in English and Chinese', () => {
    const missing = [...used].filter((k) => !has(en, k) || !has(zhCN, k));
    expect(missing).toEqual([]);
  });

  it('Chinese has every English text, and none is left empty', () => {
    expect(leaves(zhCN).sort()).toEqual(leaves(en).sort());
    expect(leaves(zhCN).filter((k) => !String(k.split('.').reduce<any>((o, p) => o[p], zhCN)).trim())).toEqual([]);
  });
});
