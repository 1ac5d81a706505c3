import { Router } from 'express';
import type { Services } from '../../container';
import type { Principal } from '../../domain/org/org.service';
import type { BorderNoticeEventInput } from '../../domain/problems/border-notice.service';
import type { ProblemEventInput, ProblemReportInput } from '../../domain/problems/hard-problem.inputs';
import { AppError } from '../../errors';
import { type Locale, t } from '../../i18n';
import type { HardProblem, Squad } from '../../persistence/entities';
import { maySendNotice } from '../../../workflows/border-notice';
import { BORDER_NOTICE_STATES } from '../../../workflows/border-notice';
import {
  CALLBACK_OUTCOMES,
  HARD_PROBLEM_STATES,
  PROBLEM_CATEGORIES,
  PROBLEM_SOURCES,
  REBOUND_ORIGINS,
} from '../../../workflows/hard-problem';
import { idParam } from '../api/params';
import { lightOf } from '../../domain/oversight/lights';
import {
  listProblemsQuery,
  noticeEventSchemas,
  problemEventSchemas,
  reportProblemSchema,
  sendNoticeSchema,
} from '../schemas/problem.schema';
import { parseInput } from '../validate';
import { answerFor } from './locals';
import { type StepFormState, stepFormRoute } from './step-route';
import {
  type Refusal,
  type StepFieldSpec,
  instantOf,
  list,
  localNow,
  problemTimelineWords,
  refusalOf,
  squadsOf,
  stepForm,
  str,
} from './problems-view';
import { timelineOf } from './timeline';
import { localName } from '../../i18n/local-name';
import { signedIn } from '../signed-in';
import { keptFileIds, photosFieldView } from './photos-field';
import { receivePhotos } from './evidence-upload';
import { recordEvidence } from './evidence-view';

type Body = Record<string, unknown>;

/** The hard problem's step forms (which show comes from the engine's allowedEvents). */
const PROBLEM_FORMS: Record<string, { tone: string; fields: StepFieldSpec[]; photos?: boolean }> = {
  ACCEPT: { tone: 'primary', fields: [{ name: 'note', kind: 'textarea' }] },
  RESOLVE: {
    tone: 'primary',
    fields: [
      { name: 'note', kind: 'textarea', required: true },
      { name: 'operation', kind: 'number' },
    ],
  },
  REBOUND: {
    tone: 'danger',
    // Issue 13: what came back, in pictures.
    photos: true,
    fields: [
      { name: 'origin', kind: 'select', required: true, options: REBOUND_ORIGINS, labelPrefix: 'hp.origin.' },
      { name: 'note', kind: 'textarea', required: true },
    ],
  },
  RECORD_CALLBACK: {
    tone: 'normal',
    fields: [
      { name: 'caller', kind: 'text', required: true },
      { name: 'calledAt', kind: 'datetime' },
      { name: 'outcome', kind: 'select', required: true, options: CALLBACK_OUTCOMES, labelPrefix: 'hp.outcome.' },
      { name: 'note', kind: 'textarea' },
    ],
  },
  MERGE: {
    tone: 'normal',
    fields: [
      { name: 'into', kind: 'number', required: true },
      { name: 'note', kind: 'textarea' },
    ],
  },
};

const NOTICE_FORMS: Record<string, { tone: string; fields: StepFieldSpec[] }> = {
  TO_PROBLEM: {
    tone: 'primary',
    fields: [
      { name: 'category', kind: 'select', required: true, options: PROBLEM_CATEGORIES, labelPrefix: 'hp.category.' },
      { name: 'title', kind: 'text' },
    ],
  },
  CLOSE: { tone: 'danger', fields: [{ name: 'reason', kind: 'textarea', required: true }] },
};

const versionOf = (body: Body) =>
  /^\d+$/.test(str(body.expectedVersion)) ? Number(body.expectedVersion) : str(body.expectedVersion);
const numberOr = (v: unknown) =>
  str(v).trim() === '' ? undefined : /^\d+$/.test(str(v).trim()) ? Number(str(v).trim()) : str(v);

/** A problem step's form as the API's event body (then the same schema checks it). */
export function formToProblemEvent(type: string, body: Body, timeZone: string): Body {
  const out: Body = { type, expectedVersion: versionOf(body) };
  const note = str(body.note);
  if (type === 'ACCEPT' && note.trim()) out.note = note;
  if (type === 'MERGE') {
    out.into = numberOr(body.into) ?? '';
    if (note.trim()) out.note = note;
  }
  if (type === 'RESOLVE') {
    out.note = note;
    const op = numberOr(body.operation);
    if (op !== undefined) out.operation = op;
  }
  if (type === 'REBOUND') {
    out.origin = str(body.origin);
    out.note = note;
    const files = keptFileIds(body.files);
    if (files.length) out.files = files;
  }
  if (type === 'RECORD_CALLBACK') {
    out.caller = str(body.caller);
    const at = instantOf(body.calledAt, timeZone);
    if (at) out.calledAt = at;
    out.outcome = str(body.outcome);
    if (note.trim()) out.note = note;
  }
  return out;
}

/** A border notice step's form as the API's event body. */
function formToNoticeEvent(type: string, body: Body): Body {
  const event: Body = { type, expectedVersion: versionOf(body) };
  if (type === 'CLOSE') event.reason = str(body.reason);
  if (type === 'TO_PROBLEM')
    event.problem = { category: str(body.category), ...(str(body.title).trim() ? { title: str(body.title) } : {}) };
  return event;
}

/** The report form as the API's body. Evidence: one item a line, `description | where it is kept`. */
export function formToReport(body: Body): Body {
  const evidence = str(body.evidence)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [description, ...ref] = l.split('|');
      return { description: description.trim(), ref: ref.join('|').trim() || null };
    });
  const out: Body = {
    source: str(body.source),
    category: str(body.category),
    title: str(body.title),
    description: str(body.description),
    location: str(body.location),
    squads: list(body.squads),
    evidence,
  };
  if (str(body.hotlineRef).trim()) out.hotlineRef = str(body.hotlineRef);
  if (str(body.complainant).trim()) out.complainant = str(body.complainant);
  // Issue 13: photos of the problem (uploaded with the form, or kept from a refused one).
  const files = keptFileIds(body.files);
  if (files.length) out.files = files;
  return out;
}

/** What the hard-problem pages use: the problems, the organisation, the history's check, the clock. */
type ProblemServices = Pick<Services, 'problems' | 'org' | 'historyChain' | 'clock' | 'files' | 'config'>;

/** What the border-notice pages use: the notices, the organisation, the history's check, the clock. */
type NoticeServices = Pick<Services, 'borderNotices' | 'org' | 'historyChain' | 'clock' | 'files' | 'config'>;

/** The files service as the forms upload their photos with it (issue 13). */
const evidenceOf = (services: Pick<Services, 'files' | 'config'>) => ({
  files: services.files,
  maxBytes: services.config.files.maxBytes,
});

const isLocal = (p: string) => /^\/operations\/\d+$/.test(p);

/** §3.4, R7: the hard problems — list, report (with likely duplicates), page with its steps. Same use cases as the API. */
export function problemPages(services: ProblemServices): Router {
  const r = Router();
  const { problems } = services;

  r.get('/', async (req, res) => {
    const p = signedIn(req);
    const raw = Object.fromEntries(
      Object.entries(req.query).filter(([, v]) => typeof v === 'string' && v !== ''),
    ) as Record<string, string>;
    const q = parseInput(listProblemsQuery, raw);
    const page = await problems.list(p, q);
    const keep = new URLSearchParams(Object.entries(raw).filter(([k]) => k !== 'cursor'));
    const squads = await services.org.squads(p.brigadeId);
    res.render('problems/list', {
      pageTitle: t(req.locale, 'hp.title'),
      nav: 'problems',
      filters: raw,
      states: HARD_PROBLEM_STATES.map((s) => ({
        value: s,
        label: t(req.locale, `hp.state.${s}`),
        selected: raw.state === s,
      })),
      sources: PROBLEM_SOURCES.map((s) => ({
        value: s,
        label: t(req.locale, `source.${s}`),
        selected: raw.source === s,
      })),
      categories: PROBLEM_CATEGORIES.map((c) => ({
        value: c,
        label: t(req.locale, `hp.category.${c}`),
        selected: raw.category === c,
      })),
      squads: squads.map((s) => ({ value: s.code, label: localName(req.locale, s), selected: raw.squad === s.code })),
      rows: page.items.map((x) => problemRow(x, page.squadById, req.locale)),
      nextUrl: page.nextCursor
        ? `/problems?${new URLSearchParams([...keep, ['cursor', page.nextCursor]]).toString()}`
        : null,
      firstUrl: raw.cursor ? `/problems?${keep.toString()}` : null,
    });
  });

  r.get('/new', async (req, res) => {
    const p = signedIn(req);
    const values: Body = {
      source: typeof req.query.source === 'string' ? req.query.source : '',
      squads: p.squad ? [p.squad.code] : [],
    };
    res.render('problems/form', await reportFormView(services, p, req.locale, { values }));
  });

  r.post('/', async (req, res) => {
    const p = signedIn(req);
    const body = (req.body ?? {}) as Body;
    try {
      await receivePhotos(evidenceOf(services), p, req, body);
      const input = parseInput(reportProblemSchema, formToReport(body)) as ProblemReportInput;
      // §3.4: likely duplicates are shown before a new problem is made; a resolved one is offered a rebound instead.
      if (str(body.confirmNew) !== '1') {
        const duplicates = await problems.duplicates(p, { category: input.category, location: input.location });
        if (duplicates.length) {
          answerFor(res, '/problems/new');
          res.render('problems/form', await reportFormView(services, p, req.locale, { values: body, duplicates }));
          return;
        }
      }
      const { id } = await problems.report(p, input);
      res.redirect(303, `/problems/${id}?done=created`);
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500) throw e;
      answerFor(res, '/problems/new');
      res
        .status(e.status)
        .render(
          'problems/form',
          await reportFormView(services, p, req.locale, { values: body, refusal: refusalOf(e, req.locale, 'hp') }),
        );
    }
  });

  r.get('/:id', async (req, res) => {
    const id = idParam(req.params.id);
    const done = typeof req.query.done === 'string' ? req.query.done : '';
    res.render('problems/show', {
      ...(await problemPage(services, signedIn(req), req.locale, id)),
      flash: done ? { kind: 'ok', text: t(req.locale, `hp.done.${done}`) } : undefined,
    });
  });

  stepFormRoute(r, {
    forms: PROBLEM_FORMS,
    send: async (p, id, type, body) => {
      await problems.send(
        p,
        id,
        parseInput(
          problemEventSchemas[type as keyof typeof problemEventSchemas],
          formToProblemEvent(type, body, p.timeZone),
        ) as ProblemEventInput,
      );
      // Resolving from the operation's page goes back there (one step, §3.4).
      const back = str(body.back);
      return isLocal(back)
        ? `${back}?done=problem_${type.toLowerCase()}#problems`
        : `/problems/${id}?done=${type.toLowerCase()}`;
    },
    refusal: (e, locale) => refusalOf(e, locale, 'hp'),
    evidence: { ...evidenceOf(services), takes: (type) => PROBLEM_FORMS[type]?.photos === true },
    refused: async (req, res, id, form) => {
      answerFor(res, `/problems/${id}`);
      const view = await problemPage(services, signedIn(req), req.locale, id, form);
      const kept = view.forms.some((f) => f.type === form.type) ? null : keptInput(form.values, req.locale);
      res.status(form.status).render('problems/show', { ...view, banner: form.refusal.banner, lostInput: kept });
    },
  });

  return r;
}

/** What the user typed in a form they may no longer send (the state moved on): shown, never lost. */
function keptInput(body: Body, locale: Locale) {
  const kept = ['note', 'caller', 'reason']
    .filter((k) => str(body[k]).trim())
    .map((k) => ({ label: t(locale, k === 'reason' ? 'bn.field.reason' : `hp.field.${k}`), value: str(body[k]) }));
  return kept.length ? kept : null;
}

function problemRow(x: HardProblem, squadById: Map<number, Squad>, locale: Locale) {
  return {
    id: x.id,
    title: x.title,
    state: x.state,
    source: x.source,
    category: x.category,
    location: x.location,
    squads: squadsOf(x.squadIds, squadById, locale).join('、'),
    repeatCount: x.repeatCount,
    reportedAt: x.reportedAt,
    mergedInto: x.mergedIntoId,
  };
}

interface ReportFormOptions {
  values: Body;
  refusal?: Refusal;
  duplicates?: HardProblem[];
}

async function reportFormView(
  services: Pick<Services, 'problems' | 'org'>,
  p: Principal,
  locale: Locale,
  o: ReportFormOptions,
) {
  const { groups, squads } = await services.org.organisation(p.brigadeId);
  const chosen = new Set(list(o.values.squads));
  const squadById = new Map(squads.map((s) => [s.id, s]));
  const squadRow = (s: (typeof squads)[number]) => ({
    value: s.code,
    label: localName(locale, s),
    checked: chosen.has(s.code),
  });
  const v = (k: string) => str(o.values[k]);
  const duplicates = o.duplicates
    ? await Promise.all(
        o.duplicates.map(async (d) => {
          const rec = await services.problems.get(p, d.id);
          // §3.4: the origin follows the sender — a new report is a complaint for a manager, found in holding for the squads at the border, an inspector's finding for an inspector.
          const origin =
            ['complaint', 'holding', 'inspector'].find((x) => rec.reboundOrigins.includes(x as never)) ?? null;
          return {
            ...problemRow(d, squadById, locale),
            version: rec.version,
            canRebound: rec.allowedEvents.includes('REBOUND') && origin !== null,
            reboundOrigin: origin,
          };
        }),
      )
    : [];
  return {
    pageTitle: t(locale, 'hp.new_title'),
    nav: 'problems',
    values: {
      source: v('source'),
      category: v('category'),
      title: v('title'),
      description: v('description'),
      location: v('location'),
      evidence: v('evidence'),
      hotlineRef: v('hotlineRef'),
      complainant: v('complainant'),
    },
    sources: PROBLEM_SOURCES.map((s) => ({ value: s, label: t(locale, `source.${s}`), selected: v('source') === s })),
    categories: PROBLEM_CATEGORIES.map((c) => ({
      value: c,
      label: t(locale, `hp.category.${c}`),
      selected: v('category') === c,
    })),
    squadGroups: [
      ...groups.map((g) => ({
        name: localName(locale, g.group),
        squads: g.squads.filter((s) => s.active).map(squadRow),
      })),
      { name: t(locale, 'plan.no_group'), squads: squads.filter((s) => s.groupId === null && s.active).map(squadRow) },
    ].filter((g) => g.squads.length),
    duplicates,
    errors: o.refusal?.errors ?? {},
    banner: o.refusal?.banner ?? null,
    photos: photosFieldView(locale, o.values, o.refusal?.errors),
  };
}

/** Everything a problem's page shows: the report, what it gathered, the operations, the steps this user may take, the history. */
async function problemPage(services: ProblemServices, p: Principal, locale: Locale, id: number, form?: StepFormState) {
  const record = await services.problems.get(p, id);
  // Issue 13: the problem's evidence (its reports' and rebounds' photos).
  const evidence = recordEvidence(record.files, locale, p.timeZone);
  const history = await services.problems.history(p, id);
  const ctx = record.context;
  const user = (uid: number | null) => (uid === null ? '' : (record.userById.get(uid)?.displayName ?? ''));
  const now = localNow(services.clock.now(), p.timeZone);
  // §3.4: a report that may be merged is shown the problems it likely repeats, each one click away.
  const mergeInto = record.allowedEvents.includes('MERGE')
    ? (await services.problems.duplicates(p, { category: ctx.report.category, location: ctx.report.location }))
        .filter((d) => d.id !== id && d.reportedAt <= record.problem.reportedAt)
        .map((d) => ({ id: d.id, title: d.title, state: d.state, location: d.location }))
    : [];
  return {
    pageTitle: `#${id} ${record.problem.title}`,
    mergeInto,
    nav: 'problems',
    x: {
      id,
      version: record.version,
      state: record.state,
      title: record.problem.title,
      source: ctx.report.source,
      category: ctx.report.category,
      location: ctx.report.location,
      description: ctx.report.description,
      squads: ctx.report.squadIds.map((s) => localName(locale, record.squadById.get(s))),
      evidence: ctx.report.evidence,
      hotlineRef: ctx.report.hotlineRef,
      complainant: ctx.report.complainant,
      isHotline: ctx.report.source === 'hotline_12319',
      repeatCount: ctx.repeatCount,
      reportedAt: new Date(ctx.reportedAt),
      reportedBy: user(ctx.reportedBy),
      mergedInto: ctx.mergedIntoId,
      fromNotice: ctx.fromNoticeId,
      sources: [...new Set(record.reports.flatMap((r) => (r.kind === 'report' && r.source ? [r.source] : [])))],
      reports: record.reports.map((r) => ({
        kind: r.kind,
        label:
          r.kind === 'rebound'
            ? `${t(locale, 'hp.report_kind.rebound')} · ${t(locale, `hp.origin.${r.source}`)}`
            : `${t(locale, 'hp.report_kind.report')} · ${t(locale, `source.${r.source}`)}`,
        description: r.description,
        by: user(r.byUserId),
        at: r.at,
        fromOther: r.originalProblemId !== id ? r.originalProblemId : null,
      })),
      resolutions: ctx.resolutions.map((x) => ({
        note: x.note,
        at: new Date(x.at),
        by: user(x.by),
        operation: x.operationId ?? null,
      })),
      callbacks: ctx.callbacks.map((c) => ({
        caller: c.caller,
        calledAt: new Date(c.calledAt),
        outcome: c.outcome,
        note: c.note,
      })),
      operations: record.operations.map((o) => ({
        id: o.id,
        numberYear: o.numberYear,
        numberSeq: o.numberSeq,
        title: o.title,
        state: o.state,
      })),
      resolvedBy: record.resolvedBy.map((r) => ({
        id: r.operation.id,
        numberYear: r.operation.numberYear,
        numberSeq: r.operation.numberSeq,
        title: r.operation.title,
        state: r.operation.state,
        at: r.at,
      })),
      mergedFrom: record.mergedFrom.map((m) => ({ id: m.id, title: m.title })),
      timeLimit: record.timeLimit
        ? {
            kind: record.timeLimit.kind,
            dueAt: record.timeLimit.dueAt,
            light: lightOf(record.timeLimit.startsAt, record.timeLimit.dueAt, services.clock.now()),
          }
        : null,
    },
    forms: record.allowedEvents
      .filter((e) => Object.hasOwn(PROBLEM_FORMS, e))
      .map((type) =>
        stepForm(
          {
            type,
            prefix: 'hp',
            action: `/problems/${id}/events/${type}`,
            tone: PROBLEM_FORMS[type].tone,
            // §3.4: a rebound's origin follows the sender: the form offers only the origins this user may give.
            fields: PROBLEM_FORMS[type].fields.map((f) =>
              type === 'REBOUND' && f.name === 'origin' ? { ...f, options: record.reboundOrigins } : f,
            ),
            version: record.version,
            photos: PROBLEM_FORMS[type].photos,
            defaults: {
              calledAt: now,
              ...(record.reboundOrigins.length === 1 ? { origin: record.reboundOrigins[0] } : {}),
            },
          },
          locale,
          form,
        ),
      ),
    timeline: await timelineOf(
      services.org,
      history,
      locale,
      p.timeZone,
      problemTimelineWords(locale, 'hp'),
      evidence.byId,
    ),
    evidence: evidence.items,
    // The rows shown may be masked (problem.policy.ts): the check reads the stored steps itself.
    historyCheck: await services.historyChain.checkRows(p, 'hard_problem', id, []),
  };
}

/** R8: border notifications — list, send, page with what a squad leader of the group may make of it. */
export function borderNoticePages(services: NoticeServices): Router {
  const r = Router();
  const { borderNotices } = services;

  r.get('/', async (req, res) => {
    const p = signedIn(req);
    const state =
      typeof req.query.state === 'string' && (BORDER_NOTICE_STATES as readonly string[]).includes(req.query.state)
        ? req.query.state
        : '';
    const page = await borderNotices.list(p, {
      state: state ? [state] : undefined,
      cursor: typeof req.query.cursor === 'string' ? req.query.cursor : undefined,
    });
    res.render('border-notices/list', {
      pageTitle: t(req.locale, 'bn.title'),
      nav: 'border-notices',
      canSend: maySendNotice(p).ok,
      states: BORDER_NOTICE_STATES.map((s) => ({
        value: s,
        label: t(req.locale, `bn.state.${s}`),
        selected: s === state,
      })),
      rows: page.items.map((n) => ({
        id: n.id,
        state: n.state,
        location: n.location,
        what: n.what,
        squads: squadsOf(n.squadIds, page.squadById, req.locale).join('、'),
        sender: localName(req.locale, page.squadById.get(n.senderSquadId)),
        seenAt: n.seenAt,
      })),
      nextUrl: page.nextCursor
        ? `/border-notices?${new URLSearchParams({ ...(state ? { state } : {}), cursor: page.nextCursor }).toString()}`
        : null,
    });
  });

  r.get('/new', async (req, res) => {
    const p = signedIn(req);
    res.render(
      'border-notices/form',
      await noticeFormView(services, p, req.locale, {
        values: { squads: p.squad ? [p.squad.code] : [], seenAt: localNow(services.clock.now(), p.timeZone) },
      }),
    );
  });

  r.post('/', async (req, res) => {
    const p = signedIn(req);
    const body = (req.body ?? {}) as Body;
    try {
      await receivePhotos(evidenceOf(services), p, req, body);
      const input = parseInput(sendNoticeSchema, {
        location: str(body.location),
        what: str(body.what),
        squads: list(body.squads),
        seenAt: instantOf(body.seenAt, p.timeZone),
        ...(keptFileIds(body.files).length ? { files: keptFileIds(body.files) } : {}),
      });
      const id = await borderNotices.send(p, input as never);
      res.redirect(303, `/border-notices/${id}?done=created`);
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500) throw e;
      answerFor(res, '/border-notices/new');
      res
        .status(e.status)
        .render(
          'border-notices/form',
          await noticeFormView(services, p, req.locale, { values: body, refusal: refusalOf(e, req.locale, 'bn') }),
        );
    }
  });

  r.get('/:id', async (req, res) => {
    const id = idParam(req.params.id);
    const done = typeof req.query.done === 'string' ? req.query.done : '';
    res.render('border-notices/show', {
      ...(await noticePage(services, signedIn(req), req.locale, id)),
      flash: done ? { kind: 'ok', text: t(req.locale, `bn.done.${done}`) } : undefined,
    });
  });

  stepFormRoute(r, {
    forms: NOTICE_FORMS,
    send: async (p, id, type, body) => {
      const result = await borderNotices.act(
        p,
        id,
        parseInput(
          noticeEventSchemas[type as keyof typeof noticeEventSchemas],
          formToNoticeEvent(type, body),
        ) as BorderNoticeEventInput,
      );
      return result.problemId
        ? `/problems/${result.problemId}?done=created`
        : `/border-notices/${id}?done=${type.toLowerCase()}`;
    },
    refusal: (e, locale) => refusalOf(e, locale, 'bn'),
    refused: async (req, res, id, form) => {
      answerFor(res, `/border-notices/${id}`);
      const view = await noticePage(services, signedIn(req), req.locale, id, form);
      const kept = view.forms.some((f) => f.type === form.type) ? null : keptInput(form.values, req.locale);
      res.status(form.status).render('border-notices/show', { ...view, banner: form.refusal.banner, lostInput: kept });
    },
  });

  return r;
}

async function noticeFormView(
  services: Pick<Services, 'org'>,
  p: Principal,
  locale: Locale,
  o: { values: Body; refusal?: Refusal },
) {
  const { groups, squads } = await services.org.organisation(p.brigadeId);
  const chosen = new Set(list(o.values.squads));
  const squadRow = (s: (typeof squads)[number]) => ({
    value: s.code,
    label: localName(locale, s),
    checked: chosen.has(s.code),
  });
  return {
    pageTitle: t(locale, 'bn.new_title'),
    nav: 'border-notices',
    values: { location: str(o.values.location), what: str(o.values.what), seenAt: str(o.values.seenAt) },
    squadGroups: [
      ...groups.map((g) => ({
        name: localName(locale, g.group),
        squads: g.squads.filter((s) => s.active).map(squadRow),
      })),
      { name: t(locale, 'plan.no_group'), squads: squads.filter((s) => s.groupId === null && s.active).map(squadRow) },
    ].filter((g) => g.squads.length),
    errors: o.refusal?.errors ?? {},
    banner: o.refusal?.banner ?? null,
    photos: photosFieldView(locale, o.values, o.refusal?.errors),
  };
}

async function noticePage(services: NoticeServices, p: Principal, locale: Locale, id: number, form?: StepFormState) {
  const record = await services.borderNotices.get(p, id);
  const evidence = recordEvidence(record.files, locale, p.timeZone);
  const history = await services.borderNotices.history(p, id);
  const ctx = record.context;
  const user = (uid: number | null) => (uid === null ? '' : (record.userById.get(uid)?.displayName ?? ''));
  return {
    pageTitle: `#${id} ${t(locale, 'bn.title')}`,
    nav: 'border-notices',
    n: {
      id,
      version: record.version,
      state: record.state,
      location: ctx.report.location,
      what: ctx.report.what,
      seenAt: new Date(ctx.report.seenAt),
      squads: ctx.report.squadIds.map((s) => localName(locale, record.squadById.get(s))),
      sender: localName(locale, record.squadById.get(ctx.senderSquadId)),
      sentBy: user(ctx.sentBy),
      problemId: ctx.problemId,
      operationId: ctx.operationId,
      closeReason: ctx.closeReason,
    },
    canPlan: record.allowedEvents.includes('TO_PLAN'),
    forms: record.allowedEvents
      .filter((e) => Object.hasOwn(NOTICE_FORMS, e))
      .map((type) =>
        stepForm(
          {
            type,
            prefix: 'bn',
            action: `/border-notices/${id}/events/${type}`,
            tone: NOTICE_FORMS[type].tone,
            fields: NOTICE_FORMS[type].fields,
            version: record.version,
            defaults: { title: ctx.report.what.slice(0, 60) },
          },
          locale,
          form,
        ),
      ),
    timeline: await timelineOf(
      services.org,
      history,
      locale,
      p.timeZone,
      problemTimelineWords(locale, 'bn'),
      evidence.byId,
    ),
    evidence: evidence.items,
    historyCheck: await services.historyChain.checkRows(p, 'border_notice', id, history),
  };
}
