import { Router, type Request, type Response } from 'express';
import { month } from '../schemas/common.schema';
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
import { answerFor } from './locals';
import { type OperationPageServices, checklistView, operationPage, operationRefusal } from './operation-view';
import { type StepFormState, stepFormRoute } from './step-route';
import type { OperationRecord } from '../../domain/operations/operation.service';
import type { Problem } from '../../../workflows/shared/problem';
import { formatRecordNo } from '../../domain/numbering/record-number';
import { numberOf } from '../presenters/operation.presenter';
import { type PlanFormValues, formToPlan, planValues, typedValues } from './plan-form';
import { requirePolicy } from './web-context';
import { mayPlanOperations } from '../../domain/operations/operation.policy';
import { lightOf } from '../../domain/oversight/lights';
import { localName } from '../../i18n/local-name';
import { signedIn } from '../signed-in';

/** A month filter that is a real month within the configured years; anything else is ignored. */
const isMonth = (v: string | undefined): v is string => month.safeParse(v).success;

/** What the operation pages use: the operation's page's areas, the organisation, border notices (a plan from one). */
type OperationPagesServices = OperationPageServices & Pick<Services, 'org' | 'borderNotices'>;

/** The operation pages: list, plan form (new / edit), the operation with its forms. Same use cases as the API. */
export function operationPages(services: OperationPagesServices): Router {
  const r = Router();
  const { operations } = services;

  r.get('/', async (req, res) => {
    const p = signedIn(req);
    const q = req.query as Record<string, string | undefined>;
    const filters = {
      state: q.state && (OPERATION_STATES as readonly string[]).includes(q.state) ? [q.state] : undefined,
      group: q.group || undefined,
      squad: q.squad || undefined,
      kind: q.kind && (OPERATION_KINDS as readonly string[]).includes(q.kind) ? q.kind : undefined,
      source: q.source && (PROBLEM_SOURCES as readonly string[]).includes(q.source) ? q.source : undefined,
      from: isMonth(q.month) ? `${q.month}-01` : undefined,
      to: isMonth(q.month) ? nextMonth(q.month) : undefined,
      q: q.q?.slice(0, 100) || undefined,
      cursor: q.cursor || undefined,
      limit: 25,
    };
    const page = await operations.list(p, filters);
    const [squads, groups] = [[...page.squadById.values()], [...page.groupById.values()]];
    const keep = new URLSearchParams(
      Object.entries({
        q: q.q,
        state: q.state,
        group: q.group,
        squad: q.squad,
        kind: q.kind,
        source: q.source,
        month: q.month,
      }).filter(([, v]) => v) as Array<[string, string]>,
    );
    res.render('operations/list', {
      pageTitle: t(req.locale, 'nav.operations'),
      nav: 'operations',
      filters: q,
      states: OPERATION_STATES.map((s) => ({ value: s, label: t(req.locale, `state.${s}`), selected: q.state === s })),
      kinds: OPERATION_KINDS.map((k) => ({ value: k, label: t(req.locale, `kind.${k}`), selected: q.kind === k })),
      sources: PROBLEM_SOURCES.map((s) => ({
        value: s,
        label: t(req.locale, `source.${s}`),
        selected: q.source === s,
      })),
      groups: groups.map((g) => ({ value: g.code, label: localName(req.locale, g), selected: q.group === g.code })),
      squads: squads
        .sort((a, b) => a.id - b.id)
        .map((s) => ({ value: s.code, label: localName(req.locale, s), selected: q.squad === s.code })),
      rows: page.items.map((o) => ({
        id: o.id,
        number: formatRecordNo(numberOf(o), req.locale),
        title: o.title,
        state: o.state,
        kind: o.kind,
        group: o.groupId !== null ? (localName(req.locale, page.groupById.get(o.groupId)) ?? '') : '',
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

  r.get('/new', requirePolicy(mayPlanOperations), async (req, res) => {
    const p = signedIn(req);
    const base: PlanInput = {
      kind: 'regular',
      leadSquad: p.squad?.code,
      hostSquad: p.squad?.code,
      squads: p.squad ? [p.squad.code] : [],
      holdingDays: services.config.operations.holdingDaysDefault,
      plannedHours: services.config.operations.minHours,
    };
    const squad = p.squad;
    const group = squad
      ? (await services.org.groups(p.brigadeId)).find((g) => g.squads.some((s) => s.code === squad.code))
      : undefined;
    if (group) base.group = group.group.code;
    // R8: an ad_hoc plan pre-filled from a border notification; saving it records what the notification became.
    const fromNotice =
      typeof req.query.fromNotice === 'string' && /^\d+$/.test(req.query.fromNotice)
        ? Number(req.query.fromNotice)
        : undefined;
    if (fromNotice) Object.assign(base, await services.borderNotices.planDraft(p, fromNotice));
    res.render(
      'operations/plan-form',
      await planFormView(services, p, req.locale, { mode: 'new', values: planValues(base, p.timeZone), fromNotice }),
    );
  });

  r.post('/', async (req, res) => {
    const p = signedIn(req);
    const fromNotice = /^\d+$/.test(String(req.body?.fromNotice ?? '')) ? Number(req.body.fromNotice) : undefined;
    await submitPlan(req, res, services, {
      mode: 'new',
      fromNotice,
      save: async (plan) => {
        if (!fromNotice) return operations.create(p, plan);
        const { operationId } = await services.borderNotices.act(p, fromNotice, { type: 'TO_PLAN', plan });
        if (operationId === undefined) throw new Error(`border notice ${fromNotice}: TO_PLAN made no operation`);
        return operationId;
      },
    });
  });

  r.get('/:id', async (req, res) => {
    const id = idParam(req.params.id);
    const view = await operationPage(services, signedIn(req), req.locale, id);
    const done = typeof req.query.done === 'string' ? req.query.done : '';
    res.render('operations/show', {
      ...view,
      flash: done ? { kind: 'ok', text: t(req.locale, `done.${done}`) } : undefined,
    });
  });

  r.get('/:id/edit', async (req, res) => {
    const p = signedIn(req);
    const id = idParam(req.params.id);
    const record = await operations.get(p, id);
    // A plan that is no longer a draft offers no form: its page says why (and who may send it back).
    if (!record.allowedEvents.includes('EDIT_PLAN')) {
      res.status(record.state === 'draft' ? 403 : 409).render('operations/plan-locked', {
        pageTitle: t(req.locale, 'plan.edit_title'),
        nav: 'operations',
        id,
        title: record.context.plan.title,
        number: formatRecordNo(numberOf(record.operation), req.locale),
        state: record.state,
        why: t(
          req.locale,
          record.state === 'draft'
            ? 'plan.locked_not_yours'
            : `plan.locked_${record.state === 'filed' ? 'filed' : 'past'}`,
        ),
      });
      return;
    }
    const plan = presentOperation(record, p.timeZone, services.clock.now()) as unknown as PlanInput & {
      version: number;
    };
    res.render(
      'operations/plan-form',
      await planFormView(services, p, req.locale, {
        mode: 'edit',
        id,
        version: record.version,
        values: planValues(plan, p.timeZone),
        allowed: true,
        returnReason: returnReasonOf(record),
      }),
    );
  });

  r.post('/:id/edit', async (req, res) => {
    const p = signedIn(req);
    const id = idParam(req.params.id);
    const expectedVersion = Number(req.body?.expectedVersion);
    await submitPlan(req, res, services, {
      mode: 'edit',
      id,
      expectedVersion,
      save: async (plan) => {
        await operations.send(p, id, { type: 'EDIT_PLAN', plan, expectedVersion });
        return id;
      },
    });
  });

  stepFormRoute(r, {
    forms: EVENT_FORMS,
    send: async (p, id, type, body) => {
      await operations.send(
        p,
        id,
        parseInput(eventSchemas[type as keyof typeof eventSchemas], formToEvent(type, body, p.timeZone)) as EventInput,
      );
      return `/operations/${id}?done=${type.toLowerCase()}`;
    },
    refusal: operationRefusal,
    refused: (req, res, id, form) => renderWithForm(req, res, services, id, form),
    // Issue 13: the forms with photos upload them first (as POST /api/v1/files), then send the step with their ids.
    evidence: {
      files: services.files,
      maxBytes: services.config.files.maxBytes,
      takes: (type) => EVENT_FORMS[type]?.photos === true,
    },
  });

  return r;
}

type PlanSubmit = (
  | { mode: 'new'; id?: undefined; expectedVersion?: undefined }
  | { mode: 'edit'; id: number; expectedVersion: number }
) & {
  fromNotice?: number;
  /** Saves the draft (create, or the edit), returning its id. */
  save(plan: PlanInput): Promise<number>;
};

/**
 * A plan form post: 保存草稿 saves the draft; 保存并报备 saves and files it in
 * one step (both or neither). A refusal shows the form again as typed, with
 * every problem beside its field at once — the fields that do not parse, and
 * what filing would refuse of the rest.
 */
async function submitPlan(req: Request, res: Response, services: PlanFormServices, o: PlanSubmit) {
  const p = signedIn(req);
  const file = req.body?.intent === 'file' && o.fromNotice === undefined;
  const body = formToPlan(req.body ?? {}, p.timeZone, { withLead: o.mode === 'new' });
  try {
    const plan = parseInput(o.mode === 'new' ? createOperationSchema : planPatchSchema, body) as PlanInput;
    if (file) {
      const target = o.mode === 'edit' ? { id: o.id, expectedVersion: o.expectedVersion } : undefined;
      const filed = await services.operations.saveAndFile(p, plan, target);
      res.redirect(303, `/operations/${filed.id}?done=saved_and_filed`);
      return;
    }
    const id = await o.save(plan);
    res.redirect(303, `/operations/${id}?done=${o.mode === 'new' ? 'created' : 'edited'}`);
  } catch (e) {
    if (!(e instanceof AppError) || e.status >= 500 || (o.mode === 'edit' && e.status === 404)) throw e;
    const extra = file && e instanceof ValidationError ? await filingProblemsOfRest(services, p, body, e, o.id) : [];
    const record = o.mode === 'edit' ? await services.operations.get(p, o.id) : null;
    answerFor(res, o.mode === 'new' ? '/operations/new' : `/operations/${o.id}/edit`);
    res.status(e.status).render(
      'operations/plan-form',
      await planFormView(services, p, req.locale, {
        mode: o.mode,
        id: o.id,
        version:
          o.mode === 'edit' ? (Number.isFinite(o.expectedVersion) ? o.expectedVersion : record?.version) : undefined,
        currentVersion: record?.version,
        values: typedValues(req.body ?? {}),
        error: e,
        extraProblems: extra,
        allowed: true,
        fromNotice: o.fromNotice,
        returnReason: record ? returnReasonOf(record) : null,
        typed: body,
      }),
    );
  }
}

/** One pass: what filing would refuse of the fields that did parse, beside the ones that did not. */
async function filingProblemsOfRest(
  services: Pick<Services, 'operations'>,
  p: Principal,
  body: Record<string, unknown>,
  e: ValidationError,
  id?: number,
) {
  const bad = new Set(Object.keys(e.fields).map((f) => f.split('.')[0]));
  const rest = Object.fromEntries(Object.entries(body).filter(([k]) => !bad.has(k) && k !== 'leadSquad'));
  const parsed = planPatchSchema.safeParse(rest);
  if (!parsed.success) return [];
  const lead =
    id === undefined
      ? { leadSquad: typeof body.leadSquad === 'string' && !bad.has('leadSquad') ? body.leadSquad : p.squad?.code }
      : {};
  try {
    const { checks } = await services.operations.filingCheck(p, { ...lead, ...(parsed.data as PlanInput) }, id);
    return checks.flatMap((c) => c.problems).filter((pr) => !pr.field || !bad.has(pr.field));
  } catch (err) {
    if (err instanceof AppError && err.status < 500) return [];
    throw err;
  }
}

/** A returned plan's edit form shows why it came back, on top. */
function returnReasonOf(record: OperationRecord): string | null {
  return record.state === 'draft' && record.context.returnCount > 0 ? record.context.lastReturnReason : null;
}

async function renderWithForm(
  req: Request,
  res: Response,
  services: OperationPageServices,
  id: number,
  form: StepFormState,
) {
  const view = await operationPage(services, signedIn(req), req.locale, id, form);
  answerFor(res, `/operations/${id}`);
  // A form for an event the user may no longer send still shows what they typed (read-only), so nothing is lost.
  const lost = view.forms.some((f) => f.type === form.type)
    ? null
    : Object.entries(form.values).filter(
        ([k, v]) => k !== '_csrf' && k !== 'expectedVersion' && v !== '' && typeof v === 'string',
      );
  res.status(form.status).render('operations/show', {
    ...view,
    lostInput: lost && lost.length ? lost.map(([k, v]) => ({ label: t(req.locale, `field.${k}`), value: v })) : null,
  });
}

/** §3.5: the open time limit of a listed record, as a light and its due time. */
function limitView(d: { startsAt: Date; dueAt: Date; kind: string } | undefined, now: Date) {
  return d ? { limitKind: d.kind, dueAt: d.dueAt, light: lightOf(d.startsAt, d.dueAt, now) } : {};
}

function squadName(s: { name: string; nameEn: string } | undefined, locale: Locale) {
  return localName(locale, s);
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
  /** Filing's problems with the fields that did parse (shown with the error's own). */
  extraProblems?: Problem[];
  allowed?: boolean;
  /** R8: the border notification the new plan comes from. */
  fromNotice?: number;
  /** Why the Duty Command Section returned the plan (shown on top of its edit form). */
  returnReason?: string | null;
  /** The form as the API's body (for the checklist of what the user typed). */
  typed?: Record<string, unknown>;
}

/** What the plan form reads: the organisation (squads, groups), filing's checks, the problems a plan may target, the limits. */
type PlanFormServices = Pick<Services, 'operations' | 'org' | 'problems' | 'config'>;

/** The plan form's view: an operations order, sections in SPEC §3.1's order, squads grouped by linkage group. */
async function planFormView(services: PlanFormServices, p: Principal, locale: Locale, o: PlanFormOptions) {
  const { groups, squads } = await services.org.organisation(p.brigadeId);
  const errors: Record<string, string> = {};
  if (o.error) {
    for (const pr of o.extraProblems ?? [])
      if (pr.field) errors[pr.field] = describeFieldProblem(locale, pr.code, pr.params);
    for (const [field, code] of Object.entries(o.error.fields))
      errors[field.replace(/\.\d+\..*$/, '')] = describeFieldProblem(locale, code);
    for (const pr of o.error.problems)
      if (pr.field) errors[pr.field] = describeFieldProblem(locale, pr.code, pr.params);
  }
  const v = o.values;
  const label = (s: { name: string; nameEn: string }) => localName(locale, s);
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
        ? {
            kind: 'warning',
            text: t(locale, o.error.code === 'stale_version' ? 'form.stale_plan' : 'form.not_editable', {
              version: o.currentVersion ?? '',
            }),
          }
        : o.error.status === 403
          ? { kind: 'error', text: t(locale, `reason.${(o.error as { reason?: string }).reason ?? 'forbidden'}`) }
          : { kind: 'error', text: t(locale, 'form.fix_fields') }
      : null,
    kinds: OPERATION_KINDS.map((k) => ({ value: k, label: t(locale, `kind.${k}`), selected: v.kind === k })),
    sources: PROBLEM_SOURCES.map((s) => ({
      value: s,
      label: t(locale, `source.${s}`),
      selected: v.problemSource === s,
    })),
    groupOptions: groups.map((g) => ({
      value: g.group.code,
      label: label(g.group),
      selected: v.group === g.group.code,
    })),
    squadOptions: squads.map((s) => ({
      value: s.code,
      label: label(s),
      lead: v.leadSquad === s.code,
      host: v.hostSquad === s.code,
    })),
    squadGroups: [
      ...groups.map((g) => ({ name: label(g.group), squads: g.squads.map(squadRow) })),
      { name: t(locale, 'plan.no_group'), squads: squads.filter((s) => s.groupId === null).map(squadRow) },
    ].filter((g) => g.squads.length),
    fromNotice: o.fromNotice,
    returnReason: o.returnReason ?? null,
    // The sections filing requires (operations.requiredSections), marked on the form.
    required: Object.fromEntries(services.config.operations.requiredSections.map((k) => [k, true])),
    // The rules checked at filing, met or not, for the plan as it stands (or as typed).
    checklist: await planChecklist(services, p, locale, o),
    // §3.4: the hard problems a plan may target (reported or open), and those it names already.
    problemOptions: await problemOptions(services, p, v.problems),
    limits: {
      minHours: services.config.operations.minHours,
      holdingMin: services.config.operations.holdingDaysMin,
      holdingMax: services.config.operations.holdingDaysMax,
    },
  };
}

/** The "ready to file" checklist of the form: of what was typed, or of the stored plan (edit), or of a new plan's defaults. */
async function planChecklist(services: Pick<Services, 'operations'>, p: Principal, locale: Locale, o: PlanFormOptions) {
  const typed =
    o.typed ?? formToPlan(o.values as unknown as Record<string, unknown>, p.timeZone, { withLead: o.mode === 'new' });
  // What does not parse (an empty title) is left out: the checklist shows it as still to do.
  let fields = Object.fromEntries(Object.entries(typed).filter(([k]) => k !== 'leadSquad'));
  let parsed = planPatchSchema.safeParse(fields);
  if (!parsed.success) {
    const bad = new Set(parsed.error.issues.map((i) => String(i.path[0])));
    fields = Object.fromEntries(Object.entries(fields).filter(([k]) => !bad.has(k)));
    parsed = planPatchSchema.safeParse(fields);
  }
  if (!parsed.success) return null;
  try {
    const lead = o.mode === 'new' ? { leadSquad: String(typed.leadSquad ?? p.squad?.code ?? '') || undefined } : {};
    const { checks } = await services.operations.filingCheck(p, { ...(parsed.data as PlanInput), ...lead }, o.id);
    return checklistView(checks, locale);
  } catch (err) {
    if (err instanceof AppError && err.status < 500) return null;
    throw err;
  }
}

async function problemOptions(services: Pick<Services, 'problems'>, p: Principal, chosen: string[]) {
  const offered = await services.problems.targetable(p, chosen.map(Number));
  return offered.map((x) => ({
    value: String(x.id),
    label: `#${x.id} ${x.title} · ${x.location}`,
    state: x.state,
    checked: chosen.includes(String(x.id)),
  }));
}
