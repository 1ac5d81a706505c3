import { Router, type Request, type Response } from 'express';
import type { Services } from '../../container';
import type { EventInput, PlanInput } from '../../domain/operations/operation.inputs';
import type { Principal } from '../../domain/org/org.service';
import { AppError, ValidationError } from '../../errors';
import { describeFieldProblem, type Locale, t } from '../../i18n';
import { OPERATION_KINDS, OPERATION_STATES, PROBLEM_SOURCES } from '../../../workflows/operation';
import { idParam } from '../api/params';
import { presentOperation } from '../presenters/operation.presenter';
import { createOperationSchema, eventSchemas, planPatchSchema } from '../schemas/operation.schema';
import { parseInput } from '../validate';
import { EVENT_FORMS, formToEvent } from './event-forms';
import { countInbox } from './inbox.routes';
import { answerFor } from './locals';
import { type FormState, formStateFromError, operationPage } from './operation-view';
import { type PlanFormValues, formToPlan, planValues, typedValues } from './plan-form';
import { requireRole } from './web-context';
import { lightOf } from '../../domain/oversight/lights';
import { In } from 'typeorm';
import { HardProblem } from '../../persistence/entities';

const MONTH = /^\d{4}-\d{2}$/;

/** The operation pages: list, plan form (new / edit), the operation with its forms. Same use cases as the API. */
export function operationPages(services: Services): Router {
  const r = Router();
  const { operations } = services;

  r.get('/', async (req, res) => {
    const p = req.principal!;
    const q = req.query as Record<string, string | undefined>;
    const filters = {
      state: q.state && (OPERATION_STATES as readonly string[]).includes(q.state) ? [q.state] : undefined,
      group: q.group || undefined,
      squad: q.squad || undefined,
      kind: q.kind && (OPERATION_KINDS as readonly string[]).includes(q.kind) ? q.kind : undefined,
      source: q.source && (PROBLEM_SOURCES as readonly string[]).includes(q.source) ? q.source : undefined,
      from: q.month && MONTH.test(q.month) ? `${q.month}-01` : undefined,
      to: q.month && MONTH.test(q.month) ? nextMonth(q.month) : undefined,
      cursor: q.cursor || undefined,
      limit: 25,
    };
    const page = await operations.list(p, filters);
    const [squads, groups] = [[...page.squadById.values()], [...page.groupById.values()]];
    const keep = new URLSearchParams(Object.entries({ state: q.state, group: q.group, squad: q.squad, kind: q.kind, source: q.source, month: q.month }).filter(([, v]) => v) as Array<[string, string]>);
    res.render('operations/list', {
      pageTitle: t(req.locale, 'nav.operations'),
      nav: 'operations',
      filters: q,
      states: OPERATION_STATES.map((s) => ({ value: s, label: t(req.locale, `state.${s}`), selected: q.state === s })),
      kinds: OPERATION_KINDS.map((k) => ({ value: k, label: t(req.locale, `kind.${k}`), selected: q.kind === k })),
      sources: PROBLEM_SOURCES.map((s) => ({ value: s, label: t(req.locale, `source.${s}`), selected: q.source === s })),
      groups: groups.map((g) => ({ value: g.code, label: req.locale === 'en' ? g.nameEn : g.name, selected: q.group === g.code })),
      squads: squads.sort((a, b) => a.id - b.id).map((s) => ({ value: s.code, label: req.locale === 'en' ? s.nameEn : s.name, selected: q.squad === s.code })),
      rows: page.items.map((o) => ({
        id: o.id,
        title: o.title,
        state: o.state,
        kind: o.kind,
        group: o.groupId !== null ? ((req.locale === 'en' ? page.groupById.get(o.groupId)?.nameEn : page.groupById.get(o.groupId)?.name) ?? '') : '',
        lead: squadName(page.squadById.get(o.leadSquadId), req.locale),
        host: o.hostSquadId !== null ? squadName(page.squadById.get(o.hostSquadId), req.locale) : '',
        plannedStart: o.plannedStart,
        actualHours: o.actualHours,
        counts: o.countsTowardMinimum,
        ...limitView(page.timeLimits.get(o.id), services.clock.now()),
      })),
      nextUrl: page.nextCursor ? `/operations?${withParam(keep, 'cursor', page.nextCursor)}` : null,
      firstUrl: q.cursor ? `/operations?${keep.toString()}` : null,
      queryString: keep.toString(),
    });
  });

  r.get('/new', requireRole('squad_leader', 'duty_officer', 'commander'), async (req, res) => {
    const p = req.principal!;
    const base: PlanInput = { kind: 'regular', leadSquad: p.squad?.code, hostSquad: p.squad?.code, squads: p.squad ? [p.squad.code] : [], holdingDays: services.config.operations.holdingDaysDefault, plannedHours: services.config.operations.minHours };
    const group = p.squad ? (await services.org.groups(p.brigadeId)).find((g) => g.squads.some((s) => s.code === p.squad!.code)) : undefined;
    if (group) base.group = group.group.code;
    // R8: an ad_hoc plan pre-filled from a border notification; saving it records what the notification became.
    const fromNotice = typeof req.query.fromNotice === 'string' && /^\d+$/.test(req.query.fromNotice) ? Number(req.query.fromNotice) : undefined;
    if (fromNotice) Object.assign(base, await services.borderNotices.planDraft(p, fromNotice));
    res.render('operations/plan-form', await planFormView(services, p, req.locale, { mode: 'new', values: planValues(base, p.timeZone), fromNotice }));
  });

  r.post('/', async (req, res) => {
    const p = req.principal!;
    const body = formToPlan(req.body ?? {}, p.timeZone, { withLead: true });
    const fromNotice = /^\d+$/.test(String(req.body?.fromNotice ?? '')) ? Number(req.body.fromNotice) : undefined;
    try {
      const plan = parseInput(createOperationSchema, body) as PlanInput;
      const id = fromNotice ? (await services.borderNotices.act(p, fromNotice, { type: 'TO_PLAN', plan })).operationId! : await operations.create(p, plan);
      res.redirect(303, `/operations/${id}?done=created`);
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500) throw e;
      answerFor(res, '/operations/new');
      await countInbox(services, req, res);
      res.status(e.status).render('operations/plan-form', await planFormView(services, p, req.locale, { mode: 'new', values: typedValues(req.body ?? {}), error: e, fromNotice }));
    }
  });

  r.get('/:id', async (req, res) => {
    const id = idParam(req.params.id);
    const view = await operationPage(services, req.principal!, req.locale, id);
    const done = typeof req.query.done === 'string' ? req.query.done : '';
    res.render('operations/show', { ...view, flash: done ? { kind: 'ok', text: t(req.locale, `done.${done}`) } : undefined });
  });

  r.get('/:id/edit', async (req, res) => {
    const p = req.principal!;
    const id = idParam(req.params.id);
    const record = await operations.get(p, id);
    const plan = presentOperation(record, p.timeZone, services.clock.now()) as unknown as PlanInput & { version: number };
    res.render('operations/plan-form', await planFormView(services, p, req.locale, { mode: 'edit', id, version: record.version, values: planValues(plan, p.timeZone), allowed: record.allowedEvents.includes('EDIT_PLAN') }));
  });

  r.post('/:id/edit', async (req, res) => {
    const p = req.principal!;
    const id = idParam(req.params.id);
    const body = formToPlan(req.body ?? {}, p.timeZone, { withLead: false });
    const expectedVersion = Number(req.body?.expectedVersion);
    try {
      const plan = parseInput(planPatchSchema, body) as PlanInput;
      await operations.send(p, id, { type: 'EDIT_PLAN', plan, expectedVersion });
      res.redirect(303, `/operations/${id}?done=edited`);
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500 || e.status === 404) throw e;
      const record = await operations.get(p, id);
      await countInbox(services, req, res);
      res.status(e.status).render(
        'operations/plan-form',
        await planFormView(services, p, req.locale, { mode: 'edit', id, version: Number.isFinite(expectedVersion) ? expectedVersion : record.version, currentVersion: record.version, values: typedValues(req.body ?? {}), error: e, allowed: true }),
      );
    }
  });

  r.post('/:id/events/:type', async (req, res) => {
    const p = req.principal!;
    const id = idParam(req.params.id);
    const type = String(req.params.type);
    const values = (req.body ?? {}) as Record<string, unknown>;
    try {
      if (!EVENT_FORMS[type]) throw new ValidationError(`No form for ${type}`, { type: 'invalid' });
      const input = parseInput(eventSchemas[type as keyof typeof eventSchemas], formToEvent(type, values, p.timeZone)) as EventInput;
      await operations.send(p, id, input);
      res.redirect(303, `/operations/${id}?done=${type.toLowerCase()}`);
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500 || e.status === 404) throw e;
      await renderWithForm(req, res, services, id, formStateFromError(e, type, values, req.locale));
    }
  });

  return r;
}

async function renderWithForm(req: Request, res: Response, services: Services, id: number, form: FormState) {
  const view = await operationPage(services, req.principal!, req.locale, id, form);
  answerFor(res, `/operations/${id}`);
  await countInbox(services, req, res);
  // A form for an event the user may no longer send still shows what they typed (read-only), so nothing is lost.
  const lost = view.forms.some((f) => f.type === form.type) ? null : Object.entries(form.values).filter(([k, v]) => k !== '_csrf' && k !== 'expectedVersion' && v !== '' && typeof v === 'string');
  res.status(form.status).render('operations/show', { ...view, lostInput: lost && lost.length ? lost.map(([k, v]) => ({ label: t(req.locale, `field.${k}`), value: v })) : null });
}

/** §3.5: the open time limit of a listed record, as a light and its due time. */
function limitView(d: { startsAt: Date; dueAt: Date; kind: string } | undefined, now: Date) {
  return d ? { limitKind: d.kind, dueAt: d.dueAt, light: lightOf(d.startsAt, d.dueAt, now) } : {};
}

function squadName(s: { name: string; nameEn: string } | undefined, locale: Locale) {
  return s ? (locale === 'en' ? s.nameEn : s.name) : '';
}

function withParam(params: URLSearchParams, key: string, value: string): string {
  const copy = new URLSearchParams(params);
  copy.set(key, value);
  return copy.toString();
}

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

interface PlanFormOptions {
  mode: 'new' | 'edit';
  id?: number;
  version?: number;
  currentVersion?: number;
  values: PlanFormValues;
  error?: AppError;
  allowed?: boolean;
  /** R8: the border notification the new plan comes from. */
  fromNotice?: number;
}

/** The plan form's view: an operations order, sections in SPEC §3.1's order, squads grouped by linkage group. */
async function planFormView(services: Services, p: Principal, locale: Locale, o: PlanFormOptions) {
  const { groups, squads } = await services.org.organisation(p.brigadeId);
  const errors: Record<string, string> = {};
  if (o.error) {
    for (const [field, code] of Object.entries(o.error.fields)) errors[field.replace(/\.\d+\..*$/, '')] = describeFieldProblem(locale, code);
    for (const pr of o.error.problems) if (pr.field) errors[pr.field] = describeFieldProblem(locale, pr.code, pr.params);
  }
  const v = o.values;
  const label = (s: { name: string; nameEn: string }) => (locale === 'en' ? s.nameEn : s.name);
  const squadRow = (s: (typeof squads)[number]) => ({
    code: s.code,
    name: label(s),
    dutyStrength: s.dutyStrength,
    checked: v.squads.includes(s.code),
    officers: v.forces[s.code]?.officers ?? '',
    vehicles: v.forces[s.code]?.vehicles ?? '',
  });
  const stale = o.error && (o.error.code === 'stale_version' || o.error.code === 'event_not_accepted');
  return {
    pageTitle: t(locale, o.mode === 'new' ? 'plan.new_title' : 'plan.edit_title'),
    nav: o.mode === 'new' ? 'new' : 'operations',
    mode: o.mode,
    isNew: o.mode === 'new',
    id: o.id,
    action: o.mode === 'new' ? '/operations' : `/operations/${o.id}/edit`,
    version: o.version,
    allowed: o.allowed ?? true,
    values: v,
    errors,
    banner: o.error
      ? stale
        ? { kind: 'warning', text: t(locale, o.error.code === 'stale_version' ? 'form.stale_plan' : 'form.not_editable', { version: o.currentVersion ?? '' }) }
        : o.error.status === 403
          ? { kind: 'error', text: t(locale, `reason.${(o.error as { reason?: string }).reason ?? 'forbidden'}`) }
          : { kind: 'error', text: t(locale, 'form.fix_fields') }
      : null,
    kinds: OPERATION_KINDS.map((k) => ({ value: k, label: t(locale, `kind.${k}`), selected: v.kind === k })),
    sources: PROBLEM_SOURCES.map((s) => ({ value: s, label: t(locale, `source.${s}`), selected: v.problemSource === s })),
    groupOptions: groups.map((g) => ({ value: g.group.code, label: label(g.group), selected: v.group === g.group.code })),
    squadOptions: squads.map((s) => ({ value: s.code, label: label(s), lead: v.leadSquad === s.code, host: v.hostSquad === s.code })),
    squadGroups: [
      ...groups.map((g) => ({ name: label(g.group), squads: g.squads.map(squadRow) })),
      { name: t(locale, 'plan.no_group'), squads: squads.filter((s) => s.groupId === null).map(squadRow) },
    ].filter((g) => g.squads.length),
    fromNotice: o.fromNotice,
    // §3.4: the hard problems a plan may target (reported or open), and those it names already.
    problemOptions: await problemOptions(services, p, v.problems),
    limits: { minHours: services.config.operations.minHours, holdingMin: services.config.operations.holdingDaysMin, holdingMax: services.config.operations.holdingDaysMax },
  };
}

async function problemOptions(services: Services, p: Principal, chosen: string[]) {
  const open = await services.problems.targetable(p);
  // Those the plan names already stay on offer whatever their state now (resolved since), so saving the draft keeps them.
  const missing = chosen.map(Number).filter((id) => Number.isSafeInteger(id) && !open.some((x) => x.id === id));
  const named = missing.length ? await services.db.manager.find(HardProblem, { where: { brigadeId: p.brigadeId, id: In(missing) } }) : [];
  return [...open, ...named].map((x) => ({ value: String(x.id), label: `#${x.id} ${x.title} · ${x.location}`, state: x.state, checked: chosen.includes(String(x.id)) }));
}
