/**
 * Charts drawn on the server as SVG (SPEC §5): no script needed to see them,
 * and they print. Every text is escaped (names come from the database).
 *
 * WCAG 1.1.1 (issue 13): a picture of numbers is not the numbers. Each chart
 * comes with its numbers as a table (`Chart.table`, folded under the picture by
 * views/partials/chart.hbs) and an `aria-label` that says what it shows.
 */

/** A chart's numbers as a table: a row per category (month, state), a column per series. */
export interface ChartTable {
  caption: string;
  /** The first column's heading (what a row is), then one heading per series. */
  head: string[];
  rows: Array<{ label: string; cells: string[] }>;
  /** A line drawn across the chart (the monthly minimum), said under the table. */
  note?: string;
}

/** What a page shows: the picture (trusted SVG made here) and its numbers. */
export interface Chart {
  svg: string;
  table: ChartTable;
}

/** The words a chart's text alternative needs, in the page's language (the caller's dictionary). */
export interface ChartWords {
  /** Heading of the first column (e.g. 月份). */
  rowHead: string;
  /** The short summary read before the picture, e.g. "4 series over 12 months; the numbers are in the table below". */
  summary: string;
}

const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (s: string | number) => String(s).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

const PALETTE = ['#1f5fbf', '#2e9d57', '#e0a100', '#962457', '#0b6477', '#5b2b9c', '#d0312d', '#44505f'];

/** The picture's accessible name: its title, then what it summarises. */
const label = (opts: { title: string; summary?: string }) =>
  opts.summary ? `${opts.title}. ${opts.summary}` : opts.title;

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const f of [1, 2, 2.5, 5, 10]) if (f * p >= v) return f * p;
  return 10 * p;
}

/** Gridlines at round steps of a niceMax: 2 → 0.5s, 2.5/5/10 → fifths, 1 → 0.2s. */
function ticksFor(max: number): number {
  const f = Math.round(max / 10 ** Math.floor(Math.log10(max)));
  return f === 2 ? 4 : 5;
}

function axis(x0: number, y0: number, width: number, height: number, max: number, ticks = ticksFor(max)): string {
  const out: string[] = [];
  for (let i = 0; i <= ticks; i++) {
    const v = (max / ticks) * i;
    const y = y0 - (height * i) / ticks;
    out.push(`<line x1="${x0}" x2="${x0 + width}" y1="${y}" y2="${y}" stroke="#d8dee6" stroke-width="1"/>`);
    out.push(
      `<text x="${x0 - 6}" y="${y + 4}" text-anchor="end" font-size="11" fill="#5f6b7a">${esc(Number.isInteger(v) ? v : v.toFixed(1))}</text>`,
    );
  }
  return out.join('');
}

function legend(items: Array<{ label: string; colour: string }>, x: number, y: number): string {
  let cx = x;
  return items
    .map((it) => {
      const w = 18 + it.label.length * 12;
      const s = `<rect x="${cx}" y="${y - 9}" width="10" height="10" fill="${it.colour}"/><text x="${cx + 14}" y="${y}" font-size="11" fill="#1d2733">${esc(it.label)}</text>`;
      cx += w;
      return s;
    })
    .join('');
}

/** Grouped bars: one group of bars per category (e.g. month), one bar per series (e.g. linkage group), and a dashed line at `line` (e.g. the minimum). */
export function groupedBars(opts: {
  title: string;
  categories: string[];
  series: Array<{ label: string; values: number[] }>;
  line?: { value: number; label: string };
  summary?: string;
}): string {
  const W = 760;
  const H = 300;
  const left = 40;
  const top = 30;
  const bottom = 60;
  const width = W - left - 10;
  const height = H - top - bottom;
  const max = niceMax(Math.max(opts.line?.value ?? 0, ...opts.series.flatMap((s) => s.values)));
  const band = width / Math.max(1, opts.categories.length);
  const bar = Math.max(2, (band * 0.8) / Math.max(1, opts.series.length));
  const y0 = top + height;
  const bars = opts.categories
    .map((cat, ci) => {
      const parts = opts.series.map((s, si) => {
        const v = s.values[ci] ?? 0;
        const h = (height * v) / max;
        const x = left + ci * band + band * 0.1 + si * bar;
        return `<rect x="${x.toFixed(1)}" y="${(y0 - h).toFixed(1)}" width="${(bar - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${PALETTE[si % PALETTE.length]}"><title>${esc(`${s.label} · ${cat}: ${v}`)}</title></rect>`;
      });
      parts.push(
        `<text x="${(left + ci * band + band / 2).toFixed(1)}" y="${y0 + 16}" text-anchor="middle" font-size="11" fill="#5f6b7a">${esc(cat)}</text>`,
      );
      return parts.join('');
    })
    .join('');
  const line = opts.line
    ? `<line x1="${left}" x2="${left + width}" y1="${(y0 - (height * opts.line.value) / max).toFixed(1)}" y2="${(y0 - (height * opts.line.value) / max).toFixed(1)}" stroke="#d0312d" stroke-dasharray="6 4" stroke-width="1.5"/><text x="${left + width}" y="${(y0 - (height * opts.line.value) / max - 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#d0312d">${esc(opts.line.label)}</text>`
    : '';
  return `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(label(opts))}" xmlns="http://www.w3.org/2000/svg"><title>${esc(label(opts))}</title>${axis(left, y0, width, height, max)}${bars}${line}${legend(
    opts.series.map((s, i) => ({ label: s.label, colour: PALETTE[i % PALETTE.length] })),
    left,
    H - 14,
  )}</svg>`;
}

/** Lines over categories (e.g. results per month). */
export function lines(opts: {
  title: string;
  categories: string[];
  series: Array<{ label: string; values: number[] }>;
  summary?: string;
}): string {
  const W = 760;
  const H = 280;
  const left = 48;
  const top = 24;
  const bottom = 56;
  const width = W - left - 16;
  const height = H - top - bottom;
  const max = niceMax(Math.max(0, ...opts.series.flatMap((s) => s.values)));
  const y0 = top + height;
  const step = opts.categories.length > 1 ? width / (opts.categories.length - 1) : 0;
  const x = (i: number) => left + i * step;
  const y = (v: number) => y0 - (height * v) / max;
  const paths = opts.series
    .map((s, si) => {
      const colour = PALETTE[si % PALETTE.length];
      const d = s.values.map((v, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
      const dots = s.values
        .map(
          (v, i) =>
            `<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${colour}"><title>${esc(`${s.label} · ${opts.categories[i]}: ${v}`)}</title></circle>`,
        )
        .join('');
      return `<path d="${d}" fill="none" stroke="${colour}" stroke-width="2"/>${dots}`;
    })
    .join('');
  const labels = opts.categories
    .map(
      (c, i) =>
        `<text x="${x(i).toFixed(1)}" y="${y0 + 16}" text-anchor="middle" font-size="11" fill="#5f6b7a">${esc(c)}</text>`,
    )
    .join('');
  return `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(label(opts))}" xmlns="http://www.w3.org/2000/svg"><title>${esc(label(opts))}</title>${axis(left, y0, width, height, max)}${paths}${labels}${legend(
    opts.series.map((s, i) => ({ label: s.label, colour: PALETTE[i % PALETTE.length] })),
    left,
    H - 12,
  )}</svg>`;
}

/** Horizontal bars (e.g. hours spent per workflow state), longest first as given. */
export function horizontalBars(opts: {
  title: string;
  items: Array<{ label: string; value: number; note?: string }>;
  unit: string;
  summary?: string;
}): string {
  const W = 760;
  const row = 28;
  const left = 150;
  const H = 20 + opts.items.length * row + 10;
  const width = W - left - 120;
  const max = niceMax(Math.max(0, ...opts.items.map((i) => i.value)));
  const bars = opts.items
    .map((it, i) => {
      const y = 16 + i * row;
      const w = (width * it.value) / max;
      return `<text x="${left - 8}" y="${y + 14}" text-anchor="end" font-size="12" fill="#1d2733">${esc(it.label)}</text><rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="18" fill="${PALETTE[i % PALETTE.length]}"/><text x="${(left + w + 6).toFixed(1)}" y="${y + 14}" font-size="11" fill="#44505f">${esc(`${it.value} ${opts.unit}${it.note ? ` · ${it.note}` : ''}`)}</text>`;
    })
    .join('');
  return `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(label(opts))}" xmlns="http://www.w3.org/2000/svg"><title>${esc(label(opts))}</title>${bars}</svg>`;
}

/** Categories × series (grouped bars, lines) as a table: a row per category, a column per series. */
export function seriesTable(opts: {
  title: string;
  categories: string[];
  series: Array<{ label: string; values: number[] }>;
  line?: { value: number; label: string };
  rowHead: string;
}): ChartTable {
  return {
    caption: opts.title,
    head: [opts.rowHead, ...opts.series.map((s) => s.label)],
    rows: opts.categories.map((label, ci) => ({ label, cells: opts.series.map((s) => num(s.values[ci] ?? 0)) })),
    note: opts.line?.label,
  };
}

/** Grouped bars with their table. */
export function groupedBarsChart(opts: Parameters<typeof groupedBars>[0] & ChartWords): Chart {
  return { svg: groupedBars(opts), table: seriesTable(opts) };
}

/** Lines with their table. */
export function linesChart(opts: Parameters<typeof lines>[0] & ChartWords): Chart {
  return { svg: lines(opts), table: seriesTable(opts) };
}

/** Horizontal bars with their table: a row per bar, its value (with the unit) and its note. */
export function horizontalBarsChart(
  opts: Parameters<typeof horizontalBars>[0] & ChartWords & { valueHead: string; noteHead: string },
): Chart {
  return {
    svg: horizontalBars(opts),
    table: {
      caption: opts.title,
      head: [opts.rowHead, opts.valueHead, opts.noteHead],
      rows: opts.items.map((it) => ({ label: it.label, cells: [`${num(it.value)} ${opts.unit}`, it.note ?? ''] })),
    },
  };
}
