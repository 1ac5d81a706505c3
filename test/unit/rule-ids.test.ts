import fs from 'node:fs';
import path from 'node:path';
import { DICTIONARIES } from '../../src/i18n';

/**
 * Rule ids (R6, §3.5) are the spec's words, not the officers' (issue 12): they stay in the indicators'
 * written definitions and in tooltips (`title=`), never in a message, a flash or a page's copy.
 */

const ROOT = path.resolve(__dirname, '../..');
const RULE_ID = /\bR\d+\b|§/;

/** The texts that may name their rule: an indicator's definition (SPEC §5: numerator, denominator, period and its source). */
const MAY_NAME_A_RULE = /^indicator\.[a-z_]+\.definition$/;

function templates(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? templates(p) : e.name.endsWith('.hbs') ? [p] : [];
  });
}

describe('rule ids in what users read', () => {
  it('no dictionary text names a rule, except the indicators’ definitions', () => {
    const named = Object.entries(DICTIONARIES).flatMap(([locale, dict]) =>
      Object.entries(dict)
        .filter(([key, text]) => RULE_ID.test(text) && !MAY_NAME_A_RULE.test(key))
        .map(([key, text]) => `${locale} ${key}: ${text}`),
    );
    expect(named).toEqual([]);
  });

  it('the allowance is used: the definitions do name their rules (the test above would pass on a dictionary without any)', () => {
    expect(DICTIONARIES['zh-CN']['indicator.operations_qualifying.definition']).toMatch(RULE_ID);
  });

  it('no template writes a rule id, or a record’s rule, as page text (a title= tooltip may carry it)', () => {
    const found: string[] = [];
    for (const file of templates(path.join(ROOT, 'views'))) {
      // Comments are for maintainers; attributes (title=…) are tooltips.
      const text = fs
        .readFileSync(file, 'utf8')
        .replace(/\{\{!--[\s\S]*?--\}\}|\{\{![\s\S]*?\}\}/g, '')
        .replace(/<[^>]*>/g, '<>');
      for (const line of text.split('\n')) {
        if (RULE_ID.test(line) || /\{\{[^}]*\brule\}\}/.test(line))
          found.push(`${path.relative(ROOT, file)}: ${line.trim()}`);
      }
    }
    expect(found).toEqual([]);
  });
});
