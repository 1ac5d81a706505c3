import fs from 'node:fs';
import path from 'node:path';

/**
 * WCAG 2.1 AA contrast, pinned to the stylesheet's own values (issue 13): text ≥ 4.5:1 on its background (1.4.3), the
 * red/amber/green lights and a field's border ≥ 3:1 against white (1.4.11). The numbers are worked out from
 * views/public/app.css as it is (custom properties resolved), so a colour changed there is judged here.
 */

const CSS = fs.readFileSync(path.join(__dirname, '../../views/public/app.css'), 'utf8');

/** The stylesheet's rules outside @media blocks (a phone's rules change sizes, not colours), selector → declarations in order. */
function parseRules(css: string): Map<string, Array<[string, string]>> {
  let text = css.replace(/\/\*[\s\S]*?\*\//g, '');
  // Drop @media blocks (their braces nest).
  for (let at = text.indexOf('@media'); at !== -1; at = text.indexOf('@media')) {
    let depth = 0;
    let i = text.indexOf('{', at);
    for (; i < text.length; i++) {
      if (text[i] === '{') depth++;
      if (text[i] === '}' && --depth === 0) break;
    }
    text = text.slice(0, at) + text.slice(i + 1);
  }
  const rules = new Map<string, Array<[string, string]>>();
  for (const m of text.matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
    const decls = m[2]
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const colon = d.indexOf(':');
        return [d.slice(0, colon).trim(), d.slice(colon + 1).trim()] as [string, string];
      });
    for (const selector of m[1].split(',').map((s) => s.trim().replace(/\s+/g, ' ')))
      rules.set(selector, [...(rules.get(selector) ?? []), ...decls]);
  }
  return rules;
}

const RULES = parseRules(CSS);
const ROOT = new Map(RULES.get(':root') ?? []);

/** A colour as the stylesheet sets it: `#hex`, or `var(--x)` resolved through :root; the first colour of a `background`. */
function resolve(value: string): string {
  const v = value.trim();
  const ref = /^var\((--[\w-]+)\)/.exec(v);
  if (ref) {
    const defined = ROOT.get(ref[1]);
    if (!defined) throw new Error(`${ref[1]} is not defined in :root`);
    return resolve(defined);
  }
  const hex = /#[0-9a-fA-F]{3,6}\b/.exec(v);
  if (hex) return hex[0];
  if (/^(white|#fff)\b/.test(v)) return '#ffffff';
  throw new Error(`not a colour: ${value}`);
}

/** The last value `selector`'s own rule gives `property` (or `background-color` for `background`). */
function colourOf(selector: string, property: 'color' | 'background' | 'border-color'): string {
  const decls = RULES.get(selector);
  if (!decls) throw new Error(`no rule for ${selector} in app.css`);
  const names = property === 'background' ? ['background', 'background-color'] : [property];
  const found = decls.filter(([p]) => names.includes(p)).at(-1);
  if (!found) throw new Error(`${selector} sets no ${property}`);
  return resolve(found[1]);
}

const variable = (name: string) => resolve(`var(${name})`);

function luminance(hex: string): number {
  let h = hex.replace('#', '');
  if (h.length === 3) h = [...h].map((c) => c + c).join('');
  const [r, g, b] = [0, 2, 4]
    .map((i) => parseInt(h.slice(i, i + 2), 16) / 255)
    .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG's contrast ratio of two colours, to two decimals. */
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100;
}

const WHITE = '#ffffff';

describe('contrast (WCAG 2.1 AA), from app.css', () => {
  it('is worked out as WCAG defines it', () => {
    expect(contrast('#000000', WHITE)).toBe(21);
    expect(contrast('#777777', WHITE)).toBe(4.48);
    // What the issue measured before: amber 2.27:1 on white, the inbox badge 4.06:1.
    expect(contrast('#e0a100', WHITE)).toBe(2.27);
    expect(contrast('#e0483e', WHITE)).toBeCloseTo(4.07, 1);
  });

  it('the red, amber and green lights stand out from white by at least 3:1 (and differ in shape: see light.hbs)', () => {
    const lights = ['.light-green', '.light-amber', '.light-red'].map((s) => [s, colourOf(s, 'background')] as const);
    for (const [selector, colour] of lights) expect([selector, contrast(colour, WHITE) >= 3]).toEqual([selector, true]);
    // Not told apart by colour alone: each light has a shape of its own.
    const amber = new Map(RULES.get('.light-amber'));
    const red = new Map(RULES.get('.light-red'));
    expect(amber.get('clip-path')).toMatch(/polygon/);
    expect(red.get('border-radius')).not.toBe('50%');
  });

  it('the count badge’s white number is at least 4.5:1 on it', () => {
    expect(colourOf('.badge', 'color')).toMatch(/^#fff(fff)?$/);
    expect(contrast(colourOf('.badge', 'color'), colourOf('.badge', 'background'))).toBeGreaterThanOrEqual(4.5);
  });

  it('a field’s border is at least 3:1 against its white inside', () => {
    const border = /var\(--[\w-]+\)|#[0-9a-f]{3,6}/i.exec(new Map(RULES.get('input')).get('border') ?? '');
    expect(border).not.toBeNull();
    expect(contrast(resolve(border?.[0] ?? ''), WHITE)).toBeGreaterThanOrEqual(3);
  });

  it('text is at least 4.5:1 on its background', () => {
    const bg = variable('--bg');
    const card = variable('--card');
    const pairs: Array<[string, string, string]> = [
      ['body text on the page', variable('--ink'), bg],
      ['body text on a card', variable('--ink'), card],
      ['muted text on the page', variable('--muted'), bg],
      ['muted text on a card', variable('--muted'), card],
      ['muted text in a table heading', variable('--muted'), colourOf('thead th', 'background')],
      ['a link on the page', variable('--blue'), bg],
      ['a link on a card', variable('--blue'), card],
      ['a field’s error', colourOf('.field-error', 'color'), card],
      ['a field’s error on the error summary', colourOf('.error-summary a', 'color'), variable('--red-soft')],
      ['a primary button', WHITE, colourOf('button.primary', 'background')],
      ['a danger button', WHITE, colourOf('button.danger', 'background')],
      ['the header', WHITE, colourOf('.site-header', 'background')],
      ['muted words in the header', colourOf('.header-tools .muted', 'color'), colourOf('.site-header', 'background')],
      ['"overdue" beside a light', colourOf('.light-word-red', 'color'), card],
      ['"nearly due" beside a light', colourOf('.light-word-amber', 'color'), card],
      ['the skip link', colourOf('.skip-link', 'color'), colourOf('.skip-link', 'background')],
      ['a warning tag', colourOf('.tag.warn', 'color'), colourOf('.tag.warn', 'background')],
    ];
    for (const s of [...RULES.keys()].filter((k) => /^\.state-[a-z_]+$/.test(k))) {
      const decls = new Map(RULES.get(s));
      if (decls.has('color')) pairs.push([`the state chip ${s}`, colourOf(s, 'color'), colourOf(s, 'background')]);
    }
    const low = pairs.map(([what, fg, on]) => ({ what, fg, on, ratio: contrast(fg, on) })).filter((p) => p.ratio < 4.5);
    expect(low).toEqual([]);
    expect(pairs.length).toBeGreaterThan(20);
  });
});
