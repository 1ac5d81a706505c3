import { Router, type Request, type Response } from 'express';
import type { Services } from '../../container';
import type {
  MeetingArrangementsInput,
  MeetingEventInput,
  NewMeetingInput,
} from '../../domain/meetings/meeting.inputs';
import type { GroupRotation, MeetingRecordView } from '../../domain/meetings/meeting.service';
import type { Principal } from '../../domain/org/org.service';
import { AppError, ForbiddenError } from '../../errors';
import { type Locale, t } from '../../i18n';
import type { Squad } from '../../persistence/entities';
import { isoInZone } from '../../time';
import { isGroupLeader, mayReadGroupRecords } from '../../../workflows/group-plan';
import { mayCreateMeeting } from '../../../workflows/meeting';
import { idParam } from '../api/params';
import { createMeetingSchema, meetingEventSchemas, meetingPatchSchema } from '../schemas/meeting.schema';
import { parseInput } from '../validate';
import { formToMeeting, formToMeetingEvent, localInput } from './plans-meetings-forms';
import { type Refusal, refusalOf } from './plans-meetings-view';
import { timelineOf, wordsOf } from './timeline';
import { type StepFormState, stepFormRoute } from './step-route';
import { localName } from '../../i18n/local-name';
import { signedIn } from '../signed-in';

type FieldKind = 'textarea' | 'datetime' | 'squads';

/** The meeting page's step forms (which show comes from the engine's allowedEvents). */
const STEP_FORMS: Record<
  string,
  { tone: 'primary' | 'danger'; fields: Array<{ name: string; kind: FieldKind; required?: boolean; hint?: boolean }> }
> = {
  RECORD: {
    tone: 'primary',
    fields: [
      { name: 'heldAt', kind: 'datetime', hint: true },
      { name: 'attendeeSquads', kind: 'squads', required: true },
      { name: 'attendees', kind: 'textarea', hint: true },
      { name: 'minutes', kind: 'textarea', required: true },
      { name: 'decisions', kind: 'textarea', hint: true },
    ],
  },
  CANCEL: { tone: 'danger', fields: [{ name: 'reason', kind: 'textarea', required: true }] },
};

type Groups = Awaited<ReturnType<Services['org']['groups']>>;

/** What the meeting pages use: the meetings, the organisation, the history's check. */
type MeetingServices = Pick<Services, 'meetings' | 'org' | 'historyChain'>;

/** R9: the group meetings with their rotation, the HQ's summary meetings, the meeting form and page. Same use cases as the API. */
export function meetingPages(services: MeetingServices): Router {
  const r = Router();
  const { meetings } = services;

  r.get('/', async (req, res) => {
    const p = signedIn(req);
    const groups = await services.org.groups(p.brigadeId);
    const readable = groups.filter(
      (g) =>
        g.group.active &&
        mayReadGroupRecords(
          p,
          g.squads.map((s) => s.id),
        ),
    );
    const squadById = new Map(groups.flatMap((g) => g.squads).map((s) => [s.id, s]));
    for (const s of await services.org.squads(p.brigadeId)) squadById.set(s.id, s);
    const sections = [];
    for (const g of readable) {
      const members = g.squads.filter((s) => s.active).map((s) => s.id);
      const [rotation, list] = await Promise.all([
        meetings.rotationOf(null, g.group, members),
        meetings.list(p, { group: g.group.code }),
      ]);
      sections.push({
        code: g.group.code,
        name: localName(req.locale, g.group),
        canArrange: isGroupLeader(p, members),
        rotation: rotationView(rotation, squadById, req.locale, p.timeZone),
        meetings: list.items.slice(0, 12).map((x) => meetingRow(x, squadById, req.locale)),
      });
    }
    const hq = await meetings.list(p, { kind: 'hq_summary' });
    res.render('meetings/list', {
      pageTitle: t(req.locale, 'nav.meetings'),
      nav: 'meetings',
      groups: sections,
      hq: hq.items.map((x) => meetingRow(x, squadById, req.locale)),
      canArrangeHq: mayCreateMeeting(p, 'hq_summary', []).ok,
    });
  });

  r.get('/new', async (req, res) => {
    const p = signedIn(req);
    const kind = req.query.kind === 'hq_summary' ? 'hq_summary' : 'group';
    const groups = await services.org.groups(p.brigadeId);
    const groupCode = typeof req.query.group === 'string' ? req.query.group : (ownGroup(p, groups)?.group.code ?? '');
    const members = (groups.find((g) => g.group.code === groupCode)?.squads ?? [])
      .filter((s) => s.active)
      .map((s) => s.id);
    // The form is offered only to those who may arrange the meeting (the domain decides again on the post).
    const permit = mayCreateMeeting(p, kind, members);
    if (!permit.ok) throw new ForbiddenError('You may not arrange this meeting', permit.reason);
    const view = await formView(services, p, req.locale, { mode: 'new', kind, groupCode, values: {} });
    res.render('meetings/form', view);
  });

  r.post('/', async (req, res) => {
    const p = signedIn(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const kind = body.kind === 'hq_summary' ? 'hq_summary' : 'group';
    try {
      const input = parseInput(
        createMeetingSchema,
        formToMeeting(body, p.timeZone, { withKind: true, isGroup: kind === 'group' }),
      ) as NewMeetingInput;
      const id = await meetings.create(p, input);
      res.redirect(303, `/meetings/${id}?done=created`);
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500) throw e;
      res.status(e.status).render(
        'meetings/form',
        await formView(services, p, req.locale, {
          mode: 'new',
          kind,
          groupCode: String(body.group ?? ''),
          values: body,
          refusal: refusalOf(e, req.locale, 'meeting'),
        }),
      );
    }
  });

  r.get('/:id', async (req, res) => {
    const id = idParam(req.params.id);
    const done = typeof req.query.done === 'string' ? req.query.done : '';
    res.render('meetings/show', {
      ...(await meetingPage(services, signedIn(req), req.locale, id)),
      flash: done ? { kind: 'ok', text: t(req.locale, `meeting.done.${done}`) } : undefined,
    });
  });

  r.get('/:id/edit', async (req, res) => {
    const p = signedIn(req);
    const id = idParam(req.params.id);
    const record = await meetings.get(p, id);
    const a = record.context.arrangements;
    const values = {
      plannedStart: localInput(a.plannedStart, p.timeZone),
      place: a.place,
      agenda: a.agenda,
      convenerSquad: a.convenerSquadId !== null ? (record.squadById.get(a.convenerSquadId)?.code ?? '') : '',
      convenerReason: a.convenerReason ?? '',
    };
    res.render(
      'meetings/form',
      await formView(services, p, req.locale, {
        mode: 'edit',
        id,
        version: record.version,
        kind: record.context.kind,
        groupCode: record.group?.code ?? '',
        values,
        record,
        allowed: record.allowedEvents.includes('EDIT_MEETING'),
      }),
    );
  });

  r.post('/:id/edit', async (req, res) => {
    const p = signedIn(req);
    const id = idParam(req.params.id);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const expectedVersion = Number(body.expectedVersion);
    const record = await meetings.get(p, id);
    try {
      const meeting = parseInput(
        meetingPatchSchema,
        formToMeeting(body, p.timeZone, { withKind: false, isGroup: record.context.kind === 'group' }),
      ) as MeetingArrangementsInput;
      await meetings.send(p, id, { type: 'EDIT_MEETING', meeting, expectedVersion });
      res.redirect(303, `/meetings/${id}?done=edited`);
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500 || e.status === 404) throw e;
      const now = await meetings.get(p, id);
      res.status(e.status).render(
        'meetings/form',
        await formView(services, p, req.locale, {
          mode: 'edit',
          id,
          version: Number.isFinite(expectedVersion) ? expectedVersion : now.version,
          kind: now.context.kind,
          groupCode: now.group?.code ?? '',
          values: body,
          record: now,
          refusal: refusalOf(e, req.locale, 'meeting'),
          allowed: true,
        }),
      );
    }
  });

  stepFormRoute(r, {
    forms: STEP_FORMS,
    send: async (p, id, type, body) => {
      await meetings.send(
        p,
        id,
        parseInput(
          meetingEventSchemas[type as keyof typeof meetingEventSchemas],
          formToMeetingEvent(type, body, p.timeZone),
        ) as MeetingEventInput,
      );
      return `/meetings/${id}?done=${type.toLowerCase()}`;
    },
    refusal: (e, locale) => refusalOf(e, locale, 'meeting'),
    refused: (req, res, id, form) => renderRefused(req, res, services, id, form),
  });

  return r;
}

function ownGroup(p: Principal, groups: Groups) {
  return p.squadId === null
    ? undefined
    : groups.find((g) => g.group.active && g.squads.some((s) => s.id === p.squadId && s.active));
}

function meetingRow(
  x: {
    id: number;
    kind: string;
    period: string;
    state: string;
    convenerSquadId: number | null;
    plannedStart: Date;
    heldAt: Date | null;
  },
  squadById: Map<number, Squad>,
  locale: Locale,
) {
  return {
    id: x.id,
    period: x.period,
    state: x.state,
    convener: x.convenerSquadId !== null ? localName(locale, squadById.get(x.convenerSquadId)) : '',
    at: x.heldAt ?? x.plannedStart,
  };
}

/** R9: the rotation as a page explains it — who is next, and every squad's place in the queue with why. */
export function rotationView(r: GroupRotation, squadById: Map<number, Squad>, locale: Locale, timeZone: string) {
  const meeting = (id: number | null) => (id === null ? undefined : r.meetingById.get(id));
  return {
    next: r.rotation.next !== null ? localName(locale, squadById.get(r.rotation.next)) : '',
    nextCode: r.rotation.next !== null ? (squadById.get(r.rotation.next)?.code ?? '') : '',
    counted: r.rotation.meetings,
    queue: r.rotation.queue.map((q, i) => {
      const since = meeting(q.since);
      const params = since ? { period: since.period, date: isoInZone(since.meetingAt, timeZone).slice(0, 10) } : {};
      return {
        place: i + 1,
        code: squadById.get(q.squadId)?.code ?? '',
        name: localName(locale, squadById.get(q.squadId)),
        memberOrder: q.memberOrder,
        why: t(locale, `meeting.waiting_${q.kind}`, params),
        tied: q.tied,
        next: i === 0,
      };
    }),
  };
}

interface FormOptions {
  mode: 'new' | 'edit';
  id?: number;
  version?: number;
  kind: 'group' | 'hq_summary';
  groupCode: string;
  values: Record<string, unknown>;
  record?: MeetingRecordView;
  refusal?: Refusal;
  allowed?: boolean;
}

/** The arrangements form: when, where, the linkage content, and for a group meeting the convener (the rotation's by default). */
async function formView(services: Pick<Services, 'meetings' | 'org'>, p: Principal, locale: Locale, o: FormOptions) {
  const isGroup = o.kind === 'group';
  const groups = await services.org.groups(p.brigadeId);
  const group = isGroup ? groups.find((g) => g.group.code === o.groupCode) : undefined;
  if (isGroup && !group)
    throw new ForbiddenError('Only a squad leader of a linkage group arranges its meetings', 'not_group_leader');
  const members = (group?.squads ?? []).filter((s) => s.active);
  const squadById = new Map(groups.flatMap((g) => g.squads).map((s) => [s.id, s]));
  let rotation = null;
  let rotationNext = '';
  if (group) {
    const rot = await services.meetings.rotationOf(
      null,
      group.group,
      members.map((s) => s.id),
    );
    rotation = rotationView(rot, squadById, locale, p.timeZone);
    // An arranged meeting keeps the convener the rotation named when it was arranged.
    const named = o.record?.context.rotationConvenerSquadId ?? rot.rotation.next;
    rotationNext = named !== null ? (squadById.get(named)?.code ?? '') : '';
  }
  const s = (k: string) => (o.values[k] === undefined || o.values[k] === null ? '' : String(o.values[k]));
  const convener = s('convenerSquad') || rotationNext;
  const errors = o.refusal?.errors ?? {};
  return {
    pageTitle: t(
      locale,
      o.mode === 'new' ? (isGroup ? 'meeting.new_group_title' : 'meeting.new_hq_title') : 'meeting.edit_title',
    ),
    nav: 'meetings',
    isNew: o.mode === 'new',
    isGroup,
    kind: o.kind,
    id: o.id,
    action: o.mode === 'new' ? '/meetings' : `/meetings/${o.id}/edit`,
    version: o.version,
    allowed: o.allowed ?? true,
    groupCode: o.groupCode,
    groupName: localName(locale, group?.group),
    values: {
      plannedStart: s('plannedStart'),
      place: s('place'),
      agenda: s('agenda'),
      convenerReason: s('convenerReason'),
    },
    convenerOptions: members.map((m) => ({
      value: m.code,
      label: localName(locale, m),
      selected: m.code === convener,
      byRotation: m.code === rotationNext,
    })),
    rotationNextName: rotationNext
      ? localName(
          locale,
          members.find((m) => m.code === rotationNext),
        )
      : '',
    rotation,
    errors,
    banner: o.refusal?.banner ?? null,
  };
}

async function renderRefused(req: Request, res: Response, services: MeetingServices, id: number, form: StepFormState) {
  const view = await meetingPage(services, signedIn(req), req.locale, id, form);
  // A form the user may no longer send still shows what they typed (minutes are not lost).
  const kept = view.forms.some((f) => f.type === form.type)
    ? null
    : ['minutes', 'decisions', 'attendees', 'reason']
        .filter((k) => typeof form.values[k] === 'string' && String(form.values[k]).trim())
        .map((k) => ({ label: t(req.locale, `field.${k}`), value: String(form.values[k]) }));
  res
    .status(form.status)
    .render('meetings/show', { ...view, banner: form.refusal.banner, lostInput: kept && kept.length ? kept : null });
}

/** Everything a meeting's page shows: arrangements, the record once held, the steps this user may take, the history. */
async function meetingPage(services: MeetingServices, p: Principal, locale: Locale, id: number, form?: StepFormState) {
  const record = await services.meetings.get(p, id);
  const history = await services.meetings.history(p, id);
  const ctx = record.context;
  const a = ctx.arrangements;
  const squad = (sid: number | null) => (sid === null ? '' : localName(locale, record.squadById.get(sid)));
  const allSquads = [...record.squadById.values()]
    .filter((s) => s.active)
    .sort(
      (x, y) => (x.groupId ?? 1e9) - (y.groupId ?? 1e9) || (x.memberOrder ?? 0) - (y.memberOrder ?? 0) || x.id - y.id,
    );
  const members = new Set(ctx.memberSquadIds);
  return {
    pageTitle: `${ctx.kind === 'group' ? localName(locale, record.group) : t(locale, 'meeting.kind.hq_summary')} · ${record.meeting.period}`,
    nav: 'meetings',
    m: {
      id,
      version: record.version,
      state: record.state,
      kind: ctx.kind,
      isGroup: ctx.kind === 'group',
      period: record.meeting.period,
      groupName: localName(locale, record.group),
      plannedStart: new Date(a.plannedStart),
      place: a.place,
      agenda: a.agenda,
      convener: squad(a.convenerSquadId),
      byRotation: a.convenerSquadId === ctx.rotationConvenerSquadId,
      rotationConvener: squad(ctx.rotationConvenerSquadId),
      convenerReason: a.convenerReason,
      held: ctx.record !== null,
      heldAt: ctx.record ? new Date(ctx.record.heldAt) : null,
      attendeeSquads: (ctx.record?.attendeeSquadIds ?? []).map(squad),
      attendees: ctx.record?.attendees ?? [],
      minutes: ctx.record?.minutes ?? '',
      decisions: ctx.record?.decisions ?? [],
      recordedBy: ctx.recordedBy !== null ? (record.userById.get(ctx.recordedBy)?.displayName ?? '') : '',
      cancelReason: ctx.cancelReason,
    },
    canEdit: record.allowedEvents.includes('EDIT_MEETING'),
    forms: record.allowedEvents
      .filter((e) => Object.hasOwn(STEP_FORMS, e))
      .map((type) => {
        const mine = form?.type === type ? form : undefined;
        const spec = STEP_FORMS[type];
        const typed = (k: string) => (mine ? mine.values[k] : undefined);
        return {
          type,
          action: `/meetings/${id}/events/${type}`,
          label: t(locale, `meeting.event.${type}`),
          help: t(locale, `meeting.event_help.${type}`),
          tone: spec.tone,
          open: mine !== undefined,
          expectedVersion: record.version,
          error: mine
            ? Object.entries(mine.refusal.errors)
                .filter(([k]) => !spec.fields.some((f) => f.name === k))
                .map(([, v]) => v)
                .join(' ')
            : '',
          fields: spec.fields.map((f) => {
            const raw = typed(f.name);
            const chosen = raw === undefined ? null : new Set(Array.isArray(raw) ? raw.map(String) : [String(raw)]);
            return {
              ...f,
              [`is_${f.kind}`]: true,
              label: t(locale, `field.${f.name}`),
              hint: f.hint ? t(locale, `meeting.hint.${f.name}`) : '',
              value:
                raw !== undefined ? String(raw) : f.name === 'heldAt' ? localInput(a.plannedStart, p.timeZone) : '',
              error: mine?.refusal.errors[f.name],
              // A group meeting is its squads meeting: they are ticked to begin with.
              squads:
                f.kind === 'squads'
                  ? allSquads.map((s) => ({
                      value: s.code,
                      label: localName(locale, s),
                      checked: chosen ? chosen.has(s.code) : members.has(s.id),
                    }))
                  : [],
            };
          }),
        };
      }),
    timeline: await timelineOf(services.org, history, locale, p.timeZone, wordsOf('meeting')),
    historyCheck: await services.historyChain.checkRows(p, 'meeting', id, history),
  };
}
