import fs from 'node:fs';
import path from 'node:path';
import { DICTIONARIES } from '../../src/i18n';

const VIEWS = path.resolve(__dirname, '../../views');

function templates(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? templates(p) : e.name.endsWith('.hbs') ? [p] : [];
  });
}

describe('the dictionaries (every visible string comes from them)', () => {
  it('zh-CN and en have the same keys, and no text is empty', () => {
    const zh = Object.keys(DICTIONARIES['zh-CN']).sort();
    const en = Object.keys(DICTIONARIES.en).sort();
    expect(en.filter((k) => !zh.includes(k))).toEqual([]);
    expect(zh.filter((k) => !en.includes(k))).toEqual([]);
    for (const dict of Object.values(DICTIONARIES)) expect(Object.entries(dict).filter(([, v]) => v.trim() === '')).toEqual([]);
  });

  it('every key a template names literally ({{t "…"}}) is in them', () => {
    const named = templates(VIEWS).flatMap((file) => [...fs.readFileSync(file, 'utf8').matchAll(/\bt "([^"]+)"/g)].map((m) => ({ file: path.relative(VIEWS, file), key: m[1] })));
    expect(named.length).toBeGreaterThan(100);
    expect(named.filter(({ key }) => !(key in DICTIONARIES['zh-CN'])).map(({ file, key }) => `${file}: ${key}`)).toEqual([]);
  });
});
