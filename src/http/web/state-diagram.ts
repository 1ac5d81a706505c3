import type { AnyStateMachine } from 'xstate';
import { ruleNames } from '../../../workflows/shared/rules';
import { type Locale, t } from '../../i18n';

/**
 * The state diagram of a machine, drawn on the server from the machine's own
 * definition (so it cannot drift from the rules): states are nodes, every
 * transition an edge labelled with its event and the names of the rules that
 * guard it (`FILE [isLeadSquadLeader ∧ planFitToFile]`), the current state
 * highlighted. Graphviz runs as WebAssembly (@viz-js/viz), offline.
 */

interface Edge {
  from: string;
  to: string;
  event: string;
  /** The names of the rules guarding the transition, who first; null for a guard that names none. */
  rules: string[] | null;
}

/** States and transitions read from `machine.root` (self-transitions included as loops). */
export function machineGraph(machine: AnyStateMachine): {
  states: string[];
  finals: string[];
  initial: string;
  edges: Edge[];
} {
  const root = machine.root;
  const states = Object.keys(root.states);
  const finals = states.filter((s) => root.states[s].type === 'final');
  const edges: Edge[] = [];
  for (const name of states) {
    const node = root.states[name];
    for (const [event, transitions] of node.transitions) {
      for (const tr of transitions) {
        const targets = tr.target?.map((s: { key: string }) => s.key) ?? [name];
        for (const to of targets) {
          if (!edges.some((e) => e.from === name && e.to === to && e.event === event))
            edges.push({ from: name, to, event, rules: ruleNames(tr.guard) });
        }
      }
    }
  }
  const initial = typeof root.config.initial === 'string' ? root.config.initial : states[0];
  return { states, finals, initial, edges };
}

const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const html = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** How many rule names share a line under the event's name (the diagram stays narrow enough for a page). */
const RULES_PER_LINE = 2;

/** An edge's label: the event, and under it the rules that guard it, joined by ∧ (a Graphviz HTML-like label). */
function edgeLabel(event: string, rules: string[] | null): string {
  if (!rules?.length) return `<${html(event)}>`;
  const lines: string[] = [];
  for (let i = 0; i < rules.length; i += RULES_PER_LINE)
    lines.push(
      rules
        .slice(i, i + RULES_PER_LINE)
        .map(html)
        .join(' ∧ '),
    );
  return `<${html(event)}<BR/><FONT POINT-SIZE="7" COLOR="#6b7785">[${lines.join(' ∧<BR/>')}]</FONT>>`;
}

/** DOT text of the machine, labels in `locale`, `current` filled. */
export function machineDot(machine: AnyStateMachine, locale: Locale, current: string | null): string {
  const g = machineGraph(machine);
  const lines = [
    'digraph machine {',
    '  rankdir=LR; bgcolor="transparent"; pad=0.2; nodesep=0.6; ranksep=0.5;',
    '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", color="#7a8699", fontname="Noto Sans CJK SC, sans-serif", fontsize=11];',
    '  edge [color="#7a8699", fontname="Noto Sans CJK SC, sans-serif", fontsize=9, fontcolor="#44505f"];',
    '  start [shape=point, width=0.12, color="#44505f", label=""];',
    `  start -> ${quote(g.initial)};`,
  ];
  for (const s of g.states) {
    const attrs = [`label=${quote(t(locale, `state.${s}`))}`, `id=${quote(`state_${s}`)}`];
    if (g.finals.includes(s)) attrs.push('peripheries=2');
    // class "current": phone.js scrolls the diagram's box to it (issue 13).
    if (s === current)
      attrs.push('fillcolor="#1f5fbf"', 'fontcolor="#ffffff"', 'color="#1f5fbf"', 'penwidth=2', 'class="current"');
    lines.push(`  ${quote(s)} [${attrs.join(', ')}];`);
  }
  for (const e of g.edges) {
    const event = t(locale, `event.${e.event}`);
    const tooltip = e.rules?.length ? `${e.event}: ${e.rules.join(' ∧ ')}` : e.event;
    lines.push(`  ${quote(e.from)} -> ${quote(e.to)} [label=${edgeLabel(event, e.rules)}, tooltip=${quote(tooltip)}];`);
  }
  lines.push('}');
  return lines.join('\n');
}

let vizReady: Promise<{ renderString: (dot: string, opts: { format: string }) => string }> | null = null;
const cache = new Map<string, string>();

/** The SVG (trusted: made here from our own DOT), cached per machine, language and current state. */
export async function machineSvg(machine: AnyStateMachine, locale: Locale, current: string | null): Promise<string> {
  const key = `${machine.id}|${locale}|${current ?? ''}`;
  const hit = cache.get(key);
  if (hit) return hit;
  vizReady ??= import('@viz-js/viz').then((m) => m.instance());
  const viz = await vizReady;
  const svg = viz
    .renderString(machineDot(machine, locale, current), { format: 'svg' })
    .replace(/^[\s\S]*?<svg/, '<svg')
    // Sized by the page (viewBox kept), so it shrinks on a phone.
    .replace(/<svg([^>]*?) width="[^"]*" height="[^"]*"/, '<svg$1')
    .replace('<svg', `<svg role="img" aria-label="${html(diagramLabel(locale, current))}" class="state-diagram"`);
  cache.set(key, svg);
  return svg;
}

/** The diagram's accessible name: what it is, and the current state in words (WCAG 1.1.1). */
function diagramLabel(locale: Locale, current: string | null): string {
  const name = t(locale, 'operation.diagram');
  return current ? t(locale, 'a11y.diagram_label', { diagram: name, state: t(locale, `state.${current}`) }) : name;
}

/** One state of the diagram as text: its name, what it is (current, first, last), and where each event leads. */
export interface DiagramStateText {
  state: string;
  name: string;
  current: boolean;
  initial: boolean;
  final: boolean;
  transitions: Array<{ event: string; eventName: string; rules: string | null; target: string; targetName: string }>;
}

/**
 * The diagram as text (issue 13, WCAG 1.1.1): each state and, for each of its
 * transitions, "EVENT [rules] → target", the current state said in words —
 * the same graph as the picture (`machineGraph`), so the two cannot differ.
 */
export function machineText(machine: AnyStateMachine, locale: Locale, current: string | null): DiagramStateText[] {
  const g = machineGraph(machine);
  return g.states.map((state) => ({
    state,
    name: t(locale, `state.${state}`),
    current: state === current,
    initial: state === g.initial,
    final: g.finals.includes(state),
    transitions: g.edges
      .filter((e) => e.from === state)
      .map((e) => ({
        event: e.event,
        eventName: t(locale, `event.${e.event}`),
        rules: e.rules?.length ? e.rules.join(' ∧ ') : null,
        target: e.to,
        targetName: t(locale, `state.${e.to}`),
      })),
  }));
}
