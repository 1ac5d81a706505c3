import type { Services } from '../../container';
import type { OperationRecord } from '../../domain/operations/operation.service';
import type { Principal } from '../../domain/org/org.service';
import type { AppError } from '../../errors';
import { type Refusal, refusalOf } from './refusal';
import type { StepFormState } from './step-route';
import { describeFieldProblem, type Locale, t } from '../../i18n';
import type { User } from '../../persistence/entities';
import { type StepDetails, timeline } from './timeline';
import { isoInZone, localDateOf } from '../../time';
import { type FilingCheck, operationMachine } from '../../../workflows/operation';
import { EVENT_FORMS, type FormFieldSpec } from './event-forms';
import { machineSvg, machineText } from './state-diagram';
import { type SectionServices, operationSections } from './operation-sections';
import { lightOf } from '../../domain/oversight/lights';
import { formatRecordNo } from '../../domain/numbering/record-number';
import { numberOf } from '../presenters/operation.presenter';
import { localName } from '../../i18n/local-name';
import { isPhotoError, photosFieldView } from './photos-field';
import { evidenceById, evidenceItems, holdingPhotosByDay } from './evidence-view';
import { readJson } from '../../persistence/columns';
import type { WorkflowHistory } from '../../persistence/entities';

/**
 * The step forms of `types` this user may send on an operation now — the
 * operation page's own forms, for a page that shows them elsewhere (the
 * holding page's LOG_HOLDING_CHECK and SPOT_CHECK) — and the record they are for.
 */
export async function operationStepForms(
  services: Pick<Services, 'operations' | 'problems' | 'clock' | 'config'>,
  p: Principal,
  locale: Locale,
  id: number,
  types: readonly string[],
) {
  const record = await services.operations.get(p, id);
  const forms = await eventForms(
    services,
    p,
    locale,
    record,
    undefined,
    types.filter((type) => record.allowedEvents.includes(type)),
  );
  return { record, forms };
}

/** An operation's refusal as its forms show it: messages beside fields, and a banner saying what happened. */
export function operationRefusal(e: AppError, locale: Locale): Refusal {
  return refusalOf(e, locale, { states: 'state', stale: 'form.stale', notAccepted: 'form.not_accepted' });
}

/** History payload fields worth showing in the timeline, in this order. */
const DETAIL_FIELDS = [
  'reason',
  'note',
  'findings',
  'rectification',
  'shortReason',
  'lateReason',
  'earlyReason',
  'coverageReason',
  'summary',
  'description',
  'response',
  'notes',
  'actualStart',
  'actualEnd',
  'date',
  'officersOnPost',
  'reboundObserved',
  'holdingDays',
  'severity',
  'incidentType',
];

/** What an operation's page reads: the operation, its history's check, the clock and limits, and its sections' areas. */
export type OperationPageServices = Pick<
  Services,
  'operations' | 'problems' | 'clock' | 'config' | 'historyChain' | 'files'
> &
  SectionServices;

/**
 * Everything the operation's page shows, as plain values for the template:
 * first what the page reads (the operation with its history, what filing
 * would refuse of a draft, the forms this user may send, the sections of the
 * records hanging off it), then how each part is shown.
 */
export async function operationPage(
  services: OperationPageServices,
  p: Principal,
  locale: Locale,
  id: number,
  form?: StepFormState,
) {
  const { record, history, chain } = await services.operations.getWithHistory(p, id);
  // A draft's page says what filing would still refuse (the same rules as FILE).
  const checks = record.state === 'draft' ? await services.operations.checklistOf(p, record.context.plan) : null;
  // Issue 13: the operation's evidence (every step's photos, its incidents' too), in the order attached.
  const evidence = evidenceItems(record.files, locale, p.timeZone);
  const byId = evidenceById(evidence);
  const forms = await eventForms(services, p, locale, record, form, undefined, { history, byId });
  const sections = await operationSections(services, p, locale, id);

  const at = minuteIn(p.timeZone);
  return {
    pageTitle: `${formatRecordNo(numberOf(record.operation), locale) || t(locale, 'operation.unnumbered')} ${record.context.plan.title}`,
    nav: 'operations',
    bodyClass: 'operation-page',
    op: operationView(record, locale, at, {
      minCoverage: services.config.holding.minCoverage,
      now: services.clock.now(),
    }),
    canEdit: record.allowedEvents.includes('EDIT_PLAN'),
    checklist: checks ? checklistView(checks, locale) : null,
    forms,
    banner: form?.refusal.banner,
    // Everyone the page names, the history's actors included, is in the record's people.
    timeline: timeline(
      history,
      record.userById,
      locale,
      p.timeZone,
      {
        events: 'event_done',
        states: 'state',
        details: operationDetails(locale, at, record.userById),
      },
      byId,
    ),
    evidence,
    // Whether the history's hash chain verifies (for managers and inspectors; null for others).
    historyCheck: services.historyChain.check(p, chain, history),
    diagramSvg: await machineSvg(operationMachine, locale, record.state),
    diagramText: machineText(operationMachine, locale, record.state),
    sections,
  };
}

/** A time as the operation's page shows it: brigade time, to the minute (nothing for none). */
type At = (d: Date | string | null | undefined) => string;
const minuteIn =
  (timeZone: string): At =>
  (d) =>
    d ? isoInZone(new Date(d), timeZone).slice(0, 16).replace('T', ' ') : '';

/** The operation as its page shows it: the plan, the forces and results, the after-action facts, holding, incidents and time limits. */
function operationView(record: OperationRecord, locale: Locale, at: At, o: { minCoverage: number; now: Date }) {
  const ctx = record.context;
  const people = record.userById;
  return {
    id: record.operation.id,
    version: record.version,
    state: record.state,
    number: formatRecordNo(numberOf(record.operation), locale),
    ...planView(record, locale, at),
    ...forcesView(record, locale),
    actualStart: at(ctx.actualStart),
    actualEnd: at(ctx.actualEnd),
    actualHours: ctx.actualHours,
    countsTowardMinimum: ctx.countsTowardMinimum,
    shortReason: ctx.shortReason,
    filedAt: at(ctx.filedAt),
    approvedAt: at(ctx.approvedAt),
    returnCount: ctx.returnCount,
    lastReturnReason: ctx.lastReturnReason,
    cancelReason: ctx.cancelReason,
    holdingRound: ctx.holdingRound,
    holdingStartedAt: at(ctx.holdingStartedAt),
    holdingDeadline: at(ctx.holdingDeadline),
    coverage: coverageView(record, locale, o.minCoverage),
    coverageReason: ctx.coverageReason,
    lateEntryHours: ctx.lateEntryHours,
    lateReason: ctx.lateReason,
    earlyReason: ctx.earlyReason,
    incidents: record.incidents.map((i) => ({
      ...i,
      occurredAt: at(i.occurredAt),
      by: people.get(i.reportedBy ?? -1)?.displayName ?? '',
    })),
    holdingRecords: record.holding.map((h) => ({
      ...h,
      at: at(h.at),
      by: people.get(h.byUserId ?? -1)?.displayName ?? '',
    })),
    timeLimits: record.deadlines.map((d) => ({
      kind: d.kind,
      state: d.state,
      dueAt: at(d.dueAt),
      closedAt: at(d.closedAt),
      // A timed step (holding's end) is not a task done in time or late: it elapsed, at its due time.
      outcome: d.event && d.closedAt ? 'elapsed' : d.outcome,
      light: d.closedAt ? null : lightOf(d.startsAt, d.dueAt, o.now),
    })),
  };
}

/** The plan as an operations order: who leads and hosts, who commands, where and when, and the order's sections in SPEC §3.1's order. */
function planView(record: OperationRecord, locale: Locale, at: At) {
  const plan = record.context.plan;
  const squad = (sid: number | null) => (sid === null ? undefined : record.squadById.get(sid));
  return {
    title: plan.title,
    kind: plan.kind,
    groupName: localName(locale, plan.groupId !== null ? record.groupById.get(plan.groupId) : undefined),
    leadName: localName(locale, squad(plan.leadSquadId)),
    hostName: localName(locale, squad(plan.hostSquadId)),
    commanders: record.commanders.map((u) => u.displayName).join('、'),
    designated: record.context.designatedCommanderId !== null,
    problemSource: plan.problemSource,
    location: plan.location,
    plannedStart: plan.plannedStart ? at(plan.plannedStart) : '',
    plannedHours: plan.plannedHours,
    holdingDays: plan.holdingDays,
    order: [
      ['situation', plan.situation],
      ['mission', plan.mission],
      ['execution', plan.execution],
      ['command', plan.command],
      ['contingency', plan.contingency],
      ['goodsArrangements', plan.goodsArrangements],
      ['holdingPlan', plan.holdingPlan],
    ].map(([key, text]) => ({ key, text })),
  };
}

/** The squads taking part: each one's role and planned forces, and once the operation is completed its results and the totals. */
function forcesView(record: OperationRecord, locale: Locale) {
  const plan = record.context.plan;
  const resultsBySquad = new Map(record.squads.map((s) => [s.squadId, s]));
  const completed = record.context.actualEnd !== null;
  const totals = { officers: 0, vehicles: 0, educated: 0, handled: 0, goodsDetained: 0 };
  const forceRows = plan.squadIds.map((sid) => {
    const row = resultsBySquad.get(sid);
    const force = plan.forces.find((f) => f.squadId === sid);
    if (completed && row) {
      totals.officers += row.officers ?? 0;
      totals.vehicles += row.vehicles ?? 0;
      totals.educated += row.educated ?? 0;
      totals.handled += row.handled ?? 0;
      totals.goodsDetained += row.goodsDetained ?? 0;
    }
    return {
      squadName: localName(locale, record.squadById.get(sid)),
      role:
        sid === plan.leadSquadId && sid === plan.hostSquadId
          ? 'lead_host'
          : sid === plan.leadSquadId
            ? 'lead'
            : sid === plan.hostSquadId
              ? 'host'
              : '',
      plannedOfficers: force?.officers ?? '',
      plannedVehicles: force?.vehicles ?? '',
      result: completed && row ? row : null,
    };
  });
  return { forceRows, completed, totals };
}

/** What an operation's step carried, as its timeline shows it (its reason, findings, times, the commander designated …). */
function operationDetails(locale: Locale, at: (d: Date) => string, people: Map<number, User>): StepDetails {
  return (payload, event) => {
    const details = DETAIL_FIELDS.filter((f) => payload[f] !== undefined && payload[f] !== '').map((f) => {
      let value = payload[f];
      if (f === 'reboundObserved') value = t(locale, value ? 'common.yes' : 'common.no');
      else if (f === 'severity') value = t(locale, `severity.${value}`);
      else if (f === 'incidentType') value = t(locale, `incident.${value}`);
      else if (f === 'actualStart' || f === 'actualEnd') value = at(new Date(String(value)));
      return { label: t(locale, `field.${f}`), value: String(value) };
    });
    if (event === 'DESIGNATE_COMMANDER' && typeof payload.commanderId === 'number') {
      details.push({
        label: t(locale, 'field.commander'),
        value: people.get(payload.commanderId)?.displayName ?? String(payload.commanderId),
      });
    }
    return details;
  };
}

/** The forms this user may send now (the engine's allowedEvents), each with its fields and any typed values and errors. */
type Option = { value: string; label: string };

/** What an operation's step forms need beyond the record: the brigade's limits, today, and the choices of a few fields. */
interface EventFormContext {
  locale: Locale;
  record: OperationRecord;
  today: string;
  limits: { late: number; early: number; min: number };
  commanders: Option[];
  reboundable: Option[];
}

async function eventFormContext(
  services: Pick<Services, 'operations' | 'problems' | 'clock' | 'config'>,
  p: Principal,
  locale: Locale,
  record: OperationRecord,
  allowed: string[],
): Promise<EventFormContext> {
  const commanders = allowed.includes('DESIGNATE_COMMANDER')
    ? (await services.operations.designatableCommanders(p)).map((u) => ({
        value: u.username,
        label: `${u.displayName} (${u.username})`,
      }))
    : [];
  // §3.4: the resolved hard problems of the operation a holding check may report as come back.
  const reboundable = allowed.includes('LOG_HOLDING_CHECK')
    ? (await services.problems.ofOperation(p, record.operation.id))
        .filter((x) => x.problem.state === 'resolved' && x.allowedEvents.includes('REBOUND'))
        .map((x) => ({ value: String(x.problem.id), label: `${x.problem.title} · ${x.problem.location}` }))
    : [];
  return {
    locale,
    record,
    today: localDateOf(services.clock.now(), p.timeZone),
    // The brigade's limits the helps and hints speak of.
    limits: {
      late: services.config.operations.lateEntryHours,
      early: services.config.operations.earlyStartHours,
      min: Math.round(services.config.holding.minCoverage * 100),
    },
    commanders,
    reboundable,
  };
}

async function eventForms(
  services: Pick<Services, 'operations' | 'problems' | 'clock' | 'config'>,
  p: Principal,
  locale: Locale,
  record: OperationRecord,
  form?: StepFormState,
  only?: readonly string[],
  evidence?: { history: WorkflowHistory[]; byId: ReturnType<typeof evidenceById> },
) {
  const allowed = (only ?? record.allowedEvents).filter((e) => Object.hasOwn(EVENT_FORMS, e));
  // R12, R14: the audit forms show holding's photos by day (a check's date; a spot check's day in brigade time).
  const holdingPhotos =
    evidence && allowed.some((e) => EVENT_FORMS[e].showsCoverage)
      ? holdingPhotosByDay(
          evidence.history,
          evidence.byId,
          (raw) => readJson<Record<string, unknown> | null>(raw) ?? {},
          (payload, step) =>
            typeof payload.date === 'string'
              ? payload.date
              : localDateOf(new Date(step.effectiveAt ?? step.at), p.timeZone),
        )
      : [];
  const ctx = await eventFormContext(services, p, locale, record, allowed);
  return allowed.map((type) => {
    const spec = EVENT_FORMS[type];
    const mine = form?.type === type ? form : undefined;
    const fields = spec.fields
      .filter((f: FormFieldSpec) => f.kind !== 'problem' || ctx.reboundable.length > 0)
      .map((f: FormFieldSpec) => eventField(ctx, type, f, mine));
    return {
      type,
      action: `/operations/${record.operation.id}/events/${type}`,
      label: t(locale, `event.${type}`),
      help: t(locale, `event_help.${type}`, ctx.limits),
      tone: spec.tone,
      // Kept in the browser and sent when the connection returns (views/public/submit.js).
      offline: spec.offline ?? false,
      // A step that cannot be undone (cancel, fail the audit) asks once more.
      confirm: spec.tone === 'danger',
      coverage: spec.showsCoverage ? coverageView(record, locale, services.config.holding.minCoverage) : null,
      holdingPhotos: spec.showsCoverage ? { days: holdingPhotos } : null,
      open: mine !== undefined,
      fields,
      photos: spec.photos ? photosFieldView(locale, mine?.values, mine?.refusal.errors) : null,
      expectedVersion: record.version,
      // Problems of fields this form does not have (FILE checks the whole plan): each names its field.
      problems: mine
        ? Object.keys(mine.refusal.errors)
            .filter((k) => !spec.fields.some((f) => k === f.name || k.startsWith(`${f.name}.`)))
            .filter((k) => !(spec.photos && isPhotoError(k)))
            .map((k) => fieldProblem(locale, k, mine.refusal.errors[k]))
        : [],
    };
  });
}

/** One field of a step form: as typed when the form came back refused, else empty (a date: today). */
function eventField(ctx: EventFormContext, type: string, f: FormFieldSpec, mine: StepFormState | undefined) {
  const { locale } = ctx;
  const values = mine?.values ?? {};
  const raw = values[f.name];
  let value = raw === undefined ? '' : String(raw);
  if (!mine && f.name === 'date') value = ctx.today;
  // A page kept for use offline may be opened another day: submit.js moves an untouched "today" on (data-today).
  const today = !mine && f.name === 'date' ? ctx.today : undefined;
  const field: Record<string, unknown> = {
    name: f.name,
    kind: f.kind,
    [`is_${f.kind}`]: true,
    required: f.required ?? false,
    min: f.min,
    label: t(locale, `field.${f.name}`),
    hint: hintFor(type, f.name, locale, ctx.limits),
    value,
    checked: raw !== undefined && raw !== '' && raw !== '0',
    error: mine?.refusal.errors[f.name],
    today,
  };
  // The choices: the select's own, the commanders designatable, the problems a rebound may bring back (none chosen by default).
  if (f.kind === 'select' || f.kind === 'commander' || f.kind === 'problem') {
    field.is_select = true;
    field.blank = t(locale, f.kind === 'problem' ? 'form.none' : 'form.choose');
  }
  if (f.kind === 'select') {
    field.options = (f.options ?? []).map((o) => ({
      value: o,
      label: t(locale, `${f.labelPrefix}${o}`),
      selected: value === o,
    }));
  }
  if (f.kind === 'commander') field.options = ctx.commanders.map((c) => ({ ...c, selected: value === c.value }));
  if (f.kind === 'problem') field.options = ctx.reboundable.map((o) => ({ ...o, selected: value === o.value }));
  if (f.kind === 'results') {
    field.rows = resultRows(ctx, values, mine);
    field.error = mine?.refusal.errors.results;
  }
  return field;
}

/** COMPLETE's results, a row per squad taking part: forces from the plan, goods from the ledger (R13). */
function resultRows(ctx: EventFormContext, values: Record<string, unknown>, mine: StepFormState | undefined) {
  const { record, locale } = ctx;
  const plan = record.context.plan;
  const typed = (values.results ?? {}) as Record<string, Record<string, unknown>>;
  return plan.squadIds.map((sid, i) => {
    const s = record.squadById.get(sid);
    const force = plan.forces.find((x) => x.squadId === sid);
    const row = typed[String(i)] ?? {};
    const cell = (k: string, fallback: unknown) => ({
      name: `results[${i}][${k}]`,
      value: row[k] !== undefined ? String(row[k]) : fallback === undefined ? '' : String(fallback),
      error: mine?.refusal.errors[`results.${i}.${k}`],
    });
    return {
      index: i,
      code: s?.code ?? '',
      squadName: localName(locale, s),
      officers: cell('officers', force?.officers),
      vehicles: cell('vehicles', force?.vehicles),
      educated: cell('educated', 0),
      handled: cell('handled', 0),
      // R13: not typed — the ledger's count for the squad (goods are registered on the operation's page).
      goodsDetained: {
        value: String(record.goodsBySquad[sid] ?? 0),
        error: mine?.refusal.errors[`results.${i}.goodsDetained`],
      },
    };
  });
}

/** The "ready to file" checklist as the form and the draft's page show it: each rule, met or not, in the user's words. */
export function checklistView(checks: FilingCheck[], locale: Locale) {
  return {
    ready: checks.every((c) => c.ok),
    items: checks.map((c) => ({
      key: c.key,
      ok: c.ok,
      text: c.key.startsWith('section.')
        ? t(locale, 'checklist.section', { section: t(locale, `field.${c.key.slice(8)}`) })
        : t(locale, `checklist.${c.key}`, c.params ?? {}),
      // What is wrong, in words (never a code): the first problem of the line.
      why: c.problems.length ? describeFieldProblem(locale, c.problems[0].code, c.problems[0].params) : '',
    })),
  };
}

/** R12: the coverage of holding as the page and the audit forms show it. */
export function coverageView(record: OperationRecord, locale: Locale, min: number) {
  const c = record.coverage;
  if (!c) return null;
  return {
    days: c.holdingDays.length,
    checked: c.checkedDays.length,
    percent: Math.round(c.share * 100),
    below: c.share < min,
    min: Math.round(min * 100),
    missed: c.missedDays.map((d) => d.slice(5)).join('、'),
    missedCount: c.missedDays.length,
    spotChecks: c.spotChecks,
    rebounds: c.rebounds,
    summary: t(locale, 'coverage.summary', {
      checked: c.checkedDays.length,
      days: c.holdingDays.length,
      percent: Math.round(c.share * 100),
    }),
  };
}

function fieldProblem(locale: Locale, field: string, problem: string): string {
  const key = `field.${field.split('.')[0]}`;
  const label = t(locale, key);
  return label === key ? problem : t(locale, 'form.field_problem', { field: label, problem });
}

function hintFor(type: string, field: string, locale: Locale, params: Record<string, unknown>): string {
  const key = `hint.${type}.${field}`;
  const text = t(locale, key, params);
  return text === key ? '' : text;
}
