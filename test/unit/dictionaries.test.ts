import fs from 'node:fs';
import path from 'node:path';
import { en } from '../../src/i18n/en';
import { zhCN } from '../../src/i18n/zh-CN';

const VIEWS = path.join(__dirname, '../../views');

function templates(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? templates(path.join(dir, e.name)) : e.name.endsWith('.hbs') ? [path.join(dir, e.name)] : []));
}

describe('the dictionaries', () => {
  it('Chinese and English have exactly the same keys', () => {
    const zh = Object.keys(zhCN).sort();
    const english = Object.keys(en).sort();
    expect({ missingInEnglish: zh.filter((k) => !(k in en)), missingInChinese: english.filter((k) => !(k in zhCN)) }).toEqual({ missingInEnglish: [], missingInChinese: [] });
  });

  it('every word a template asks for by name is in them', () => {
    const missing: string[] = [];
    for (const file of templates(VIEWS)) {
      for (const [, key] of fs.readFileSync(file, 'utf8').matchAll(/\{\{t "([^"]+)"/g)) if (!zhCN[key]) missing.push(`${path.relative(VIEWS, file)}: ${key}`);
    }
    expect(missing).toEqual([]);
  });

  it('names every squad kind and every administration outcome in both languages', () => {
    for (const key of ['squad_kind.street', 'squad_kind.commercial', 'squad_kind.scenic', 'squad_kind.mobile', 'admin.done.user_created', 'admin.done.password_reset', 'problem.group_size', 'problem.last_admin']) {
      expect([key, Boolean(zhCN[key]), Boolean(en[key])]).toEqual([key, true, true]);
    }
  });
});
