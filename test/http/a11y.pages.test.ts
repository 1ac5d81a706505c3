import { machineGraph } from '../../src/http/web/state-diagram';
import { operationMachine } from '../../workflows/operation';
import { operationIn } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { type Agent, signedIn, submitForm } from '../support/web';

/**
 * Issue 13 (WCAG 2.1 AA) as the pages serve it, before any script: the state diagram and the charts have a text
 * alternative, lights say their meaning in words, a refused form ties each error to its field and lists them at
 * the top, the skip link is the first thing in the page.
 */

let t: TestApp;
let duty: Agent;
let commander: Agent;
const ops: Record<string, number> = {};

beforeAll(async () => {
  t = await startTestApp();
  for (const state of ['filed', 'holding']) ops[state] = (await operationIn(t, state, { title: `${state} 行动` })).id;
  duty = await signedIn(t, 'duty');
  commander = await signedIn(t, 'commander');
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  expect(t.logged).toEqual([]);
});

const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();

describe('the state diagram as text', () => {
  it('lists every state and every transition ("event [rules] → target"), the current state said in words, folded by default', async () => {
    const html = (await duty.get(`/operations/${ops.holding}`).expect(200)).text;
    const block = /<details class="text-alt" data-testid="diagram-text">[\s\S]*?<\/details>/.exec(html)?.[0] ?? '';
    expect(block).not.toBe('');
    expect(block).not.toMatch(/<details[^>]* open/);
    const graph = machineGraph(operationMachine);
    const states = [...block.matchAll(/data-diagram-state="(\w+)"/g)].map((m) => m[1]);
    expect(states).toEqual(graph.states);
    // The current state, and only it, is marked — in words as well as by aria-current.
    expect(
      [...block.matchAll(/<li data-diagram-state="(\w+)" class="current" aria-current="step">/g)].map((m) => m[1]),
    ).toEqual(['holding']);
    expect(textOf(block)).toContain('固守中 · 当前状态');
    // Every edge of the machine is there once, its rules named beside the event.
    const transitions = [...block.matchAll(/<li data-transition="(\w+)">([\s\S]*?)<\/li>/g)];
    expect(transitions).toHaveLength(graph.edges.length);
    const guarded = graph.edges.find((e) => e.rules?.length);
    expect(guarded).toBeDefined();
    expect(textOf(block)).toContain(`[${guarded?.rules?.join(' ∧ ')}]`);
    expect(textOf(transitions[0][2])).toMatch(/→ \S+/);
    // The picture says what it is and where the operation stands.
    expect(html).toMatch(/<svg role="img" aria-label="流程图，当前状态：固守中"/);
    expect(html).toMatch(/<div class="diagram-box" data-testid="diagram" tabindex="0" role="region"/);
  });
});

describe('charts with their numbers', () => {
  it('each chart on the figures page has a folded table of its numbers beside it and a label that summarises it', async () => {
    const html = (await commander.get('/figures').expect(200)).text;
    const tables = [...html.matchAll(/<details class="text-alt" data-testid="chart-table">([\s\S]*?)<\/details>/g)];
    const charts = [...html.matchAll(/<svg class="chart"[^>]*role="img" aria-label="([^"]+)"/g)];
    expect(charts.length).toBeGreaterThanOrEqual(2);
    expect(tables).toHaveLength(charts.length);
    for (const [, label] of charts) expect(label).toMatch(/数据表/);
    // The groups chart: a row per month, a column per linkage group, the minimum said under it.
    const groups = tables[0][1];
    expect([...groups.matchAll(/<tr><th scope="row">/g)]).toHaveLength(12);
    expect(groups).toContain('<th scope="col">月份</th>');
    expect(textOf(groups)).toContain('每月最低');
    expect([...groups.matchAll(/<td class="num">\d+<\/td>/g)].length).toBeGreaterThan(0);
  });
});

describe('lights in words', () => {
  it('a time limit’s light carries its meaning as text, and a shape, not only a colour', async () => {
    const html = (await duty.get('/operations').expect(200)).text;
    const light =
      /<span class="light light-(green|amber|red)" aria-hidden="true"[^>]*><\/span><span class="visually-hidden">([^<]+)<\/span>/.exec(
        html,
      );
    expect(light).not.toBeNull();
    expect(light?.[2]).toBe({ green: '时限内', amber: '即将超时', red: '已超时' }[light?.[1] ?? 'green']);
  });
});

describe('a refused form', () => {
  it('ties each error to its field (aria-invalid, aria-describedby) and lists them at the top of the form as links', async () => {
    // The Duty Command Section returns a filed plan without saying why: refused, the reason named.
    const page = `/operations/${ops.filed}`;
    const res = await submitForm(duty, page, `/operations/${ops.filed}/events/RETURN`, {
      expectedVersion: '2',
      reason: '',
    });
    expect(res.status).toBe(400);
    const form = /<form[^>]*data-event="RETURN"[\s\S]*?<\/form>/.exec(res.text)?.[0] ?? '';
    const field = /<textarea name="reason" aria-invalid="true" aria-describedby="([^"]+)"/.exec(form);
    expect(field).not.toBeNull();
    const id = field?.[1] ?? '';
    expect(form).toMatch(
      new RegExp(`<span class="field-error" id="${id}" role="alert" data-error-for="reason">[^<]+</span>`),
    );
    const summary = /<div class="error-summary" data-error-summary[\s\S]*?<\/div>/.exec(form)?.[0] ?? '';
    expect(summary).toContain(`<a href="#${id}">`);
    // The summary comes before the fields: found without script.
    expect(form.indexOf('data-error-summary')).toBeLessThan(form.indexOf('<textarea'));
  });

  it('on a whole-page form (the plan form), the same: the first field refused is tied to its message', async () => {
    const leader = await signedIn(t, 'waitan.leader');
    const res = await submitForm(leader, '/operations/new', '/operations', { title: '', intent: 'save' });
    expect([400, 422]).toContain(res.status);
    const title = /<input aria-invalid="true" aria-describedby="err-title" name="title"/.exec(res.text);
    expect(title).not.toBeNull();
    expect(res.text).toContain('<span class="field-error" id="err-title"');
    expect(res.text).toMatch(/<div class="error-summary" data-error-summary[\s\S]*?<a href="#err-title">行动名称：/);
  });
});

describe('the layout', () => {
  it('begins with a skip link to the main content, and loads a11y.js', async () => {
    const html = (await duty.get('/').expect(200)).text;
    expect(html).toMatch(/<body[^>]*>\s*<a class="skip-link" href="#main">跳到正文<\/a>/);
    expect(html).toContain('<main id="main" tabindex="-1">');
    expect(html).toContain('<script src="/static/a11y.js" defer></script>');
  });
});
