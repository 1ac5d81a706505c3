import fs from 'node:fs';
import path from 'node:path';
import { en } from '../../src/i18n/en';
import { zhCN } from '../../src/i18n/zh-CN';
import {
  OPERATION_EVENT_TYPES,
  OPERATION_KINDS,
  OPERATION_STATES,
  PROBLEM_SOURCES,
  INCIDENT_SEVERITIES,
  INCIDENT_TYPES,
} from '../../workflows/operation';
import { ROLES } from '../../workflows/shared/actor';
import { EVENT_FORMS } from '../../src/http/web/event-forms';

const ROOT = path.resolve(__dirname, '../..');

function files(dir: string, ext: RegExp): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p, ext) : ext.test(e.name) ? [p] : [];
  });
}

const read = (p: string) => fs.readFileSync(p, 'utf8');
const templates = files(path.join(ROOT, 'views'), /\.hbs$/)
  .map(read)
  .join('\n');
const sources = [...files(path.join(ROOT, 'src'), /\.ts$/), ...files(path.join(ROOT, 'workflows'), /\.ts$/)]
  .map(read)
  .join('\n');

describe('the dictionaries', () => {
  it('zh-CN and en have exactly the same keys', () => {
    const zh = Object.keys(zhCN).sort();
    const english = Object.keys(en).sort();
    expect(zh.filter((k) => !(k in en))).toEqual([]);
    expect(english.filter((k) => !(k in zhCN))).toEqual([]);
  });

  it('no entry is empty, and placeholders match between the languages', () => {
    for (const key of Object.keys(zhCN)) {
      expect({ key, zh: zhCN[key].trim().length > 0, en: en[key].trim().length > 0 }).toEqual({
        key,
        zh: true,
        en: true,
      });
      const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect({ key, holes: holes(en[key]) }).toEqual({ key, holes: holes(zhCN[key]) });
    }
  });

  it('every key a template names exists', () => {
    const keys = [...templates.matchAll(/\{\{t "([\w.]+)"/g)].map((m) => m[1]);
    expect(keys.length).toBeGreaterThan(100);
    expect([...new Set(keys)].filter((k) => !(k in zhCN))).toEqual([]);
  });

  it('every key the code names exists', () => {
    const keys = [...sources.matchAll(/\bt\((?:req\.)?locale, '([\w.]+)'/g)].map((m) => m[1]);
    expect(keys.length).toBeGreaterThan(10);
    expect([...new Set(keys)].filter((k) => !(k in zhCN))).toEqual([]);
  });

  it('every state, event, role, kind, source and incident has its words (SPEC §7)', () => {
    const needed = [
      ...OPERATION_STATES.map((s) => `state.${s}`),
      ...['CREATE', ...OPERATION_EVENT_TYPES].flatMap((e) => [`event.${e}`, `event_done.${e}`]),
      ...Object.keys(EVENT_FORMS).flatMap((e) => [`event_help.${e}`, `done.${e.toLowerCase()}`]),
      ...[...ROLES, 'system'].map((r) => `role.${r}`),
      ...OPERATION_KINDS.map((k) => `kind.${k}`),
      ...PROBLEM_SOURCES.map((s) => `source.${s}`),
      ...INCIDENT_TYPES.map((i) => `incident.${i}`),
      ...INCIDENT_SEVERITIES.map((s) => `severity.${s}`),
      ...Object.values(EVENT_FORMS).flatMap((f) => f.fields.map((x) => `field.${x.name}`)),
    ];
    expect(needed.filter((k) => !(k in zhCN))).toEqual([]);
  });

  it('every refusal the rules can give has a sentence: who-may reasons and problem codes', () => {
    const reasons = [
      ...sources.matchAll(/\bdeny\('(\w+)'\)|ForbiddenError\([^)]*?,\s*'(\w+)'\)|asAnyOf\([^)]*'(\w+)'\)/g),
    ].map((m) => m[1] ?? m[2] ?? m[3]);
    const problems = [...sources.matchAll(/\bproblem\('(\w+)'/g)].map((m) => m[1]);
    const errorCodes = [...sources.matchAll(/readonly code = '(\w+)'/g)].map((m) => m[1]);
    expect(reasons.length).toBeGreaterThan(8);
    expect(problems.length).toBeGreaterThan(15);
    expect([...new Set(reasons)].filter((r) => !(`reason.${r}` in zhCN))).toEqual([]);
    expect([...new Set(problems)].filter((p) => !(`problem.${p}` in zhCN))).toEqual([]);
    expect([...new Set(errorCodes)].filter((c) => !(`error.${c}` in zhCN))).toEqual([]);
  });

  it('names every squad kind and every administration outcome in both languages', () => {
    for (const key of [
      'squad_kind.street',
      'squad_kind.commercial',
      'squad_kind.scenic',
      'squad_kind.mobile',
      'admin.done.user_created',
      'admin.done.password_reset',
      'problem.group_size',
      'problem.last_admin',
    ]) {
      expect([key, Boolean(zhCN[key]), Boolean(en[key])]).toEqual([key, true, true]);
    }
  });
});
