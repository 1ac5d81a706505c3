import { formatRecordNo } from '../domain/numbering/record-number';
import type { Response } from 'express';
import type { DrillPage, FiguresView } from '../domain/figures/figures.service';
import { type Locale, t } from '../i18n';
import { isoInZone } from '../time';
import { formatValue, scopeName, whyText } from './presenters/figures.presenter';

/** A table to export: headers in the reader's language, rows of plain values. */
interface Table {
  name: string;
  title: string;
  headers: string[];
  rows: Array<Array<string | number | null>>;
}

export function figuresTable(view: FiguresView, locale: Locale): Table {
  const ratio = (v: { kind: string; value: number | null; tooFew: boolean }) =>
    v.kind === 'ratio'
      ? v.tooFew || v.value === null
        ? t(locale, 'figures.too_few')
        : Math.round(v.value * 1000) / 10
      : v.value;
  return {
    name: `liandong-figures-${view.scope.group?.code ?? view.scope.squad?.code ?? 'brigade'}-${view.period.key}`,
    title: `${t(locale, 'figures.title')} · ${scopeName(view.scope, locale)} · ${view.period.key}`,
    headers: [
      t(locale, 'figures.indicator'),
      `${t(locale, 'figures.current')} ${view.period.key}`,
      `${t(locale, 'figures.previous')} ${view.previous.key}`,
      `${t(locale, 'figures.last_year')} ${view.lastYear.key}`,
      t(locale, 'figures.definition'),
    ],
    rows: view.rows.map((r) => [
      `${t(locale, `indicator.${r.indicator.id}.name`)}${r.indicator.kind === 'ratio' ? ' (%)' : ''}`,
      ratio(r.current),
      ratio(r.previous),
      ratio(r.lastYear),
      t(locale, `indicator.${r.indicator.id}.definition`),
    ]),
  };
}

export function drillTable(page: DrillPage, locale: Locale, tz: string): Table {
  return {
    name: `liandong-${page.indicator.id}-${page.scope.group?.code ?? page.scope.squad?.code ?? 'brigade'}-${page.period.key}`,
    title: t(locale, 'figures.drill_title', {
      indicator: t(locale, `indicator.${page.indicator.id}.name`),
      scope: scopeName(page.scope, locale),
      period: page.period.key,
    }),
    headers: [
      t(locale, 'figures.record'),
      t(locale, 'figures.when'),
      t(locale, 'figures.adds'),
      t(locale, 'figures.why'),
      'URL',
    ],
    rows: page.rows.map((r) => [
      `${formatRecordNo(r.number, locale)} ${r.title}`.trim(),
      r.at ? isoInZone(r.at, tz).slice(0, 16).replace('T', ' ') : '',
      r.value,
      whyText(r.why, locale),
      r.link,
    ]),
  };
}

/**
 * Text a spreadsheet would read as a formula (= + - @, or a tab or carriage
 * return before one): CSV injection. Such text cells get a leading apostrophe,
 * so they are shown as typed and never run; numbers are written as numbers,
 * negative ones too (only text is neutralised).
 */
const FORMULA_START = /^[=+\-@\t\r]/;

const csvCell = (v: string | number | null) => {
  const s = v === null ? '' : typeof v === 'number' ? String(v) : FORMULA_START.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** CSV with a byte-order mark, so a spreadsheet opens the Chinese right; no text cell starts a formula. */
export function toCsv(table: Table): string {
  return `\ufeff${[table.headers, ...table.rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

export async function toXlsx(table: Table): Promise<Buffer> {
  // Loaded when a workbook is asked for: exceljs brings archiver and graceful-fs, which patches Node's
  // own `fs` — under Jest that patch kept every test file's whole module graph alive in its worker.
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Liandong';
  const ws = wb.addWorksheet(table.name.slice(0, 31));
  ws.addRow([table.title]).font = { bold: true, size: 13 };
  ws.addRow([]);
  const head = ws.addRow(table.headers);
  head.font = { bold: true };
  for (const row of table.rows) ws.addRow(row);
  ws.columns.forEach((c, i) => (c.width = i === 0 ? 34 : i === table.headers.length - 1 ? 60 : 18));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function send(res: Response, table: Table, format: 'csv' | 'xlsx'): Promise<void> {
  const file = `${table.name}.${format}`;
  res.setHeader(
    'Content-Disposition',
    `attachment; filename="${file.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(file)}`,
  );
  if (format === 'csv') {
    res.type('text/csv; charset=utf-8').send(toCsv(table));
  } else {
    res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await toXlsx(table));
  }
}

export function sendFiguresExport(res: Response, view: FiguresView, locale: Locale, format: 'csv' | 'xlsx') {
  return send(res, figuresTable(view, locale), format);
}

export function sendDrillExport(res: Response, page: DrillPage, locale: Locale, tz: string, format: 'csv' | 'xlsx') {
  return send(res, drillTable(page, locale, tz), format);
}

export { formatValue };
