import { Router, type Request, type Response } from 'express';
import { month as monthSchema, yearText } from '../schemas/common.schema';
import type { Services } from '../../container';
import type {
  GroupPlanContentInput,
  GroupPlanEventInput,
  NewGroupPlanInput,
} from '../../domain/plans/group-plan.inputs';
import type { GroupPlanRecord } from '../../domain/plans/group-plan.service';
import { addMonths, monthBounds, monthOf, monthsOf } from '../../domain/oversight/periods';
import type { Principal } from '../../domain/org/org.service';
import { AppError, ForbiddenError } from '../../errors';
import { type Locale, t } from '../../i18n';
import { isGroupLeader, mayReadGroupRecords } from '../../../workflows/group-plan';
import { PROBLEM_SOURCES } from '../../../workflows/operation';
import { idParam } from '../api/params';
import { createGroupPlanSchema, groupPlanEventSchemas, groupPlanPatchSchema } from '../schemas/group-plan.schema';
import { parseInput } from '../validate';
import { type PlanRow, formToGroupPlan, formToPlanEvent, typedRows } from './plans-meetings-forms';
import { type Refusal, refusalOf } from './plans-meetings-view';
import { timelineOf, wordsOf } from './timeline';
import { type StepFormState, stepFormRoute } from './step-route';
import { localName } from '../../i18n/local-name';
import { signedIn } from '../signed-in';

/** The plan pages' step forms: which fields each asks for (which forms show comes from the engine's allowedEvents). */
const STEP_FORMS: Record<
  string,
  { tone: 'primary' | 'normal'; fields: Array<{ name: string; kind: 'textarea'; required: boolean }> }
> = {
  FILE: { tone: 'primary', fields: [] },
  RETURN: { tone: 'normal', fields: [{ name: 'reason', kind: 'textarea', required: true }] },
};

interface FormValues {
  group: string;
  month: string;
  targets: string;
  notes: string;
  rows: PlanRow[];
}

/** What the plan pages use: the plans, the organisation, the history's check, the clock and limits. */
type GroupPlanServices = Pick<Services, 'groupPlans' | 'org' | 'historyChain' | 'clock' | 'config'>;

/** R5: the monthly plans of the linkage groups — a year at a glance, the plan form, the plan with its steps. Same use cases as the API. */
export function groupPlanPages(services: GroupPlanServices): Router {
  const r = Router();
  const { groupPlans } = services;

  r.get('/', async (req, res) => {
    const p = signedIn(req);
    const now = services.clock.now();
    const current = monthOf(now, p.timeZone);
    const year = yearText.safeParse(req.query.year).success ? Number(req.query.year) : Number(current.slice(0, 4));
    const [list, groups, brigade] = await Promise.all([
      groupPlans.list(p, { year: String(year) }),
      services.org.groups(p.brigadeId),
      services.org.brigadeById(p.brigadeId),
    ]);
    const readable = groups.filter(
      (g) =>
        g.group.active &&
        mayReadGroupRecords(
          p,
          g.squads.map((s) => s.id),
        ),
    );
    const months = monthsOf(year);
    const own = ownGroup(p, groups);
    res.render('plans/list', {
      pageTitle: t(req.locale, 'nav.group_plans'),
      nav: 'group-plans',
      year,
      prevYear: year - 1,
      nextYear: year + 1,
      months: months.map((mo) => ({ month: mo, label: String(Number(mo.slice(5))) })),
      rows: readable.map((g) => ({
        code: g.group.code,
        name: localName(req.locale, g.group),
        cells: months.map((mo) => {
          const plan = list.items.find((x) => x.groupId === g.group.id && x.month === mo);
          const due = monthBounds(mo, p.timeZone).start;
          // R5: missing once the month has begun — only for months after the brigade's since month (as the plans-and-meetings job judges).
          const missing = due <= now && mo > brigade.since;
          const status = plan
            ? plan.state === 'filed'
              ? plan.filedLate
                ? 'filed_late'
                : 'filed'
              : plan.returnCount > 0
                ? 'returned'
                : 'draft'
            : missing
              ? 'missing'
              : 'none';
          return { month: mo, id: plan?.id ?? null, status, label: t(req.locale, `gplan.cell.${status}`) };
        }),
      })),
      // A squad leader of a group drafts the coming month's plan (or any month to plans.monthsAhead).
      draftMonths:
        own &&
        isGroupLeader(
          p,
          own.squads.map((s) => s.id),
        )
          ? [current, ...Array.from({ length: services.config.plans.monthsAhead }, (_, i) => addMonths(current, i + 1))]
          : [],
      suggested: addMonths(current, 1),
    });
  });

  r.get('/new', async (req, res) => {
    const p = signedIn(req);
    const group = ownGroup(p, await services.org.groups(p.brigadeId));
    if (
      !group ||
      !isGroupLeader(
        p,
        group.squads.map((s) => s.id),
      )
    )
      throw new ForbiddenError('Only a squad leader of a linkage group drafts its plan', 'not_group_leader');
    const month =
      typeof req.query.month === 'string' && monthSchema.safeParse(req.query.month).success
        ? req.query.month
        : addMonths(monthOf(services.clock.now(), p.timeZone), 1);
    res.render(
      'plans/form',
      await formView(services, p, req.locale, {
        mode: 'new',
        groupCode: group.group.code,
        values: { group: group.group.code, month, targets: '', notes: '', rows: [] },
      }),
    );
  });

  r.post('/', async (req, res) => {
    const p = signedIn(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const id = await groupPlans.create(
        p,
        parseInput(createGroupPlanSchema, formToGroupPlan(body, { withGroupMonth: true })) as NewGroupPlanInput,
      );
      res.redirect(303, `/group-plans/${id}?done=created`);
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500) throw e;
      res.status(e.status).render(
        'plans/form',
        await formView(services, p, req.locale, {
          mode: 'new',
          groupCode: String(body.group ?? ''),
          values: typedValues(body),
          refusal: refusalOf(e, req.locale, 'gplan'),
        }),
      );
    }
  });

  r.get('/:id', async (req, res) => {
    const id = idParam(req.params.id);
    const done = typeof req.query.done === 'string' ? req.query.done : '';
    res.render('plans/show', {
      ...(await planPage(services, signedIn(req), req.locale, id)),
      flash: done ? { kind: 'ok', text: t(req.locale, `gplan.done.${done}`) } : undefined,
    });
  });

  r.get('/:id/edit', async (req, res) => {
    const p = signedIn(req);
    const id = idParam(req.params.id);
    const record = await groupPlans.get(p, id);
    res.render(
      'plans/form',
      await formView(services, p, req.locale, {
        mode: 'edit',
        id,
        version: record.version,
        groupCode: record.group.code,
        values: storedValues(record),
        allowed: record.allowedEvents.includes('EDIT_PLAN'),
      }),
    );
  });

  r.post('/:id/edit', async (req, res) => {
    const p = signedIn(req);
    const id = idParam(req.params.id);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const expectedVersion = Number(body.expectedVersion);
    try {
      const plan = parseInput(
        groupPlanPatchSchema,
        formToGroupPlan(body, { withGroupMonth: false }),
      ) as GroupPlanContentInput;
      await groupPlans.send(p, id, { type: 'EDIT_PLAN', plan, expectedVersion });
      res.redirect(303, `/group-plans/${id}?done=edited`);
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500 || e.status === 404) throw e;
      const record = await groupPlans.get(p, id);
      // What they typed stays; the version they read stays too, so a stale page says so again until they reload.
      res.status(e.status).render(
        'plans/form',
        await formView(services, p, req.locale, {
          mode: 'edit',
          id,
          version: Number.isFinite(expectedVersion) ? expectedVersion : record.version,
          groupCode: record.group.code,
          values: { ...typedValues(body), month: record.context.month },
          refusal: refusalOf(e, req.locale, 'gplan'),
          allowed: true,
        }),
      );
    }
  });

  stepFormRoute(r, {
    forms: STEP_FORMS,
    send: async (p, id, type, body) => {
      await groupPlans.send(
        p,
        id,
        parseInput(
          groupPlanEventSchemas[type as keyof typeof groupPlanEventSchemas],
          formToPlanEvent(type, body),
        ) as GroupPlanEventInput,
      );
      return `/group-plans/${id}?done=${type.toLowerCase()}`;
    },
    refusal: (e, locale) => refusalOf(e, locale, 'gplan'),
    refused: (req, res, id, form) => renderRefused(req, res, services, id, form),
  });

  return r;
}

function ownGroup(p: Principal, groups: Awaited<ReturnType<Services['org']['groups']>>) {
  return p.squadId === null
    ? undefined
    : groups.find((g) => g.group.active && g.squads.some((s) => s.id === p.squadId && s.active));
}

function typedValues(body: Record<string, unknown>): FormValues {
  const s = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  return {
    group: s(body.group),
    month: s(body.month),
    targets: s(body.targets),
    notes: s(body.notes),
    rows: typedRows(body),
  };
}

function storedValues(r: GroupPlanRecord): FormValues {
  const code = (id: number | null) => (id === null ? '' : (r.squadById.get(id)?.code ?? ''));
  const c = r.context.content;
  return {
    group: r.group.code,
    month: r.context.month,
    targets: c.targets.join('\n'),
    notes: c.notes,
    rows: c.operations.map((l) => ({
      date: l.date,
      title: l.title,
      leadSquad: code(l.leadSquadId),
      location: l.location,
      problemSource: l.problemSource ?? '',
      operation: l.operationId === null ? '' : String(l.operationId),
    })),
  };
}

interface FormOptions {
  mode: 'new' | 'edit';
  id?: number;
  version?: number;
  groupCode: string;
  values: FormValues;
  refusal?: Refusal;
  allowed?: boolean;
}

/** The plan form: targets, the schedule (a row per operation, a few empty rows to add more), other arrangements. */
async function formView(services: Pick<Services, 'org' | 'config'>, p: Principal, locale: Locale, o: FormOptions) {
  const groups = await services.org.groups(p.brigadeId);
  const group = groups.find((g) => g.group.code === o.groupCode);
  const members = (group?.squads ?? []).filter((s) => s.active);
  const errors = o.refusal?.errors ?? {};
  const blank: PlanRow = { date: '', title: '', leadSquad: '', location: '', problemSource: '', operation: '' };
  const rows = [
    ...o.values.rows,
    ...Array.from({ length: Math.max(4 - o.values.rows.length, 2) }, () => ({ ...blank })),
  ];
  return {
    pageTitle: t(locale, o.mode === 'new' ? 'gplan.new_title' : 'gplan.edit_title'),
    nav: 'group-plans',
    isNew: o.mode === 'new',
    id: o.id,
    action: o.mode === 'new' ? '/group-plans' : `/group-plans/${o.id}/edit`,
    version: o.version,
    allowed: o.allowed ?? true,
    groupName: localName(locale, group?.group),
    values: o.values,
    errors,
    banner: o.refusal?.banner ?? null,
    minOperations: services.config.jobs.monthlyMinimum,
    rows: rows.map((row, i) => ({
      index: i,
      ...row,
      squads: members.map((s) => ({ value: s.code, label: localName(locale, s), selected: s.code === row.leadSquad })),
      sources: PROBLEM_SOURCES.map((s) => ({
        value: s,
        label: t(locale, `source.${s}`),
        selected: s === row.problemSource,
      })),
      errors: {
        date: errors[`operations.${i}.date`],
        title: errors[`operations.${i}.title`],
        leadSquad: errors[`operations.${i}.leadSquad`],
        location: errors[`operations.${i}.location`],
        problemSource: errors[`operations.${i}.problemSource`],
        operation: errors[`operations.${i}.operation`],
      },
    })),
  };
}

async function renderRefused(
  req: Request,
  res: Response,
  services: GroupPlanServices,
  id: number,
  form: StepFormState,
) {
  const view = await planPage(services, signedIn(req), req.locale, id, form);
  // A form the user may no longer send still shows what they typed, so nothing is lost.
  const typed =
    typeof form.values.reason === 'string' && form.values.reason.trim() && !view.forms.some((f) => f.type === form.type)
      ? [{ label: t(req.locale, 'field.reason'), value: form.values.reason }]
      : null;
  res.status(form.status).render('plans/show', { ...view, banner: form.refusal.banner, lostInput: typed });
}

/** Everything the plan's page shows: the plan, the month's real operations beside it, the steps this user may take, the history. */
async function planPage(services: GroupPlanServices, p: Principal, locale: Locale, id: number, form?: StepFormState) {
  const record = await services.groupPlans.get(p, id);
  const history = await services.groupPlans.history(p, id);
  const ctx = record.context;
  const tz = p.timeZone;
  const at = (iso: string | null) => (iso ? new Date(iso) : null);
  const squad = (sid: number | null) => (sid === null ? '' : localName(locale, record.squadById.get(sid)));
  const linked = new Map(record.monthOperations.map((o) => [o.id, o]));
  return {
    pageTitle: `${localName(locale, record.group)} · ${t(locale, 'gplan.title_month', { month: ctx.month })}`,
    nav: 'group-plans',
    plan: {
      id,
      version: record.version,
      state: record.state,
      month: ctx.month,
      groupName: localName(locale, record.group),
      dueAt: at(ctx.dueAt),
      filedAt: at(ctx.filedAt),
      firstFiledAt: at(ctx.firstFiledAt),
      filedLate: ctx.filedLate === true,
      filedBy: ctx.filedBy !== null ? (record.userById.get(ctx.filedBy)?.displayName ?? '') : '',
      returnCount: ctx.returnCount,
      lastReturnReason: ctx.lastReturnReason,
      targets: ctx.content.targets,
      notes: ctx.content.notes,
      operations: ctx.content.operations.map((l) => {
        const op = l.operationId !== null ? linked.get(l.operationId) : undefined;
        return {
          ...l,
          lead: squad(l.leadSquadId),
          operationState: op?.state ?? null,
          operationYear: op?.numberYear ?? null,
          operationSeq: op?.numberSeq ?? null,
        };
      }),
      monthOperations: record.monthOperations.map((o) => ({
        id: o.id,
        numberYear: o.numberYear,
        numberSeq: o.numberSeq,
        title: o.title,
        state: o.state,
        kind: o.kind,
        plannedStart: o.plannedStart,
        lead: squad(o.leadSquadId),
        counts: o.countsTowardMinimum,
      })),
    },
    canEdit: record.allowedEvents.includes('EDIT_PLAN'),
    minOperations: services.config.jobs.monthlyMinimum,
    forms: record.allowedEvents
      .filter((e) => Object.hasOwn(STEP_FORMS, e))
      .map((type) => {
        const mine = form?.type === type ? form : undefined;
        return {
          type,
          action: `/group-plans/${id}/events/${type}`,
          label: t(locale, `gplan.event.${type}`),
          help: t(locale, `gplan.event_help.${type}`),
          tone: STEP_FORMS[type].tone,
          open: mine !== undefined,
          expectedVersion: record.version,
          error: mine
            ? Object.entries(mine.refusal.errors)
                .filter(([k]) => !STEP_FORMS[type].fields.some((f) => f.name === k))
                .map(([, v]) => v)
                .join(' ')
            : '',
          fields: STEP_FORMS[type].fields.map((f) => ({
            ...f,
            is_textarea: true,
            label: t(locale, `field.${f.name}`),
            value: mine ? String(mine.values[f.name] ?? '') : '',
            error: mine?.refusal.errors[f.name],
          })),
        };
      }),
    timeline: await timelineOf(services.org, history, locale, tz, wordsOf('gplan')),
    historyCheck: await services.historyChain.checkRows(p, 'group_plan', id, history),
  };
}
