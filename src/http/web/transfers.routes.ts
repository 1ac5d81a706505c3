import { Router, type Request, type Response } from 'express';
import type { Services } from '../../container';
import type { NewCaseInput, NewTransferInput, TransferEventInput } from '../../domain/cases/case.inputs';
import { lightFromProjection } from '../../domain/cases/case.service';
import type { Principal } from '../../domain/org/org.service';
import { AppError, ConflictError, ForbiddenError, ValidationError } from '../../errors';
import { type Locale, t } from '../../i18n';
import type { Squad } from '../../persistence/entities';
import { CASE_TRANSFER_STATES, mayProposeTransfer } from '../../../workflows/case-transfer';
import { hasRole } from '../../../workflows/shared/actor';
import { idParam } from '../api/params';
import { createCaseSchema, createTransferSchema, transferEventSchemas } from '../schemas/case.schema';
import { parseInput } from '../validate';
import { type Refusal, refusalOf } from './plans-meetings-view';
import { timelineOf, wordsOf } from './timeline';
import { type StepFormState, stepFormRoute } from './step-route';
import { localName } from '../../i18n/local-name';
import { signedIn } from '../signed-in';
import { keptFileIds, photosFieldView } from './photos-field';
import { receivePhotos } from './evidence-upload';
import { recordEvidence } from './evidence-view';

type Body = Record<string, unknown>;
const str = (v: unknown): string =>
  v === undefined || v === null ? '' : Array.isArray(v) ? String(v[0] ?? '') : String(v);
const num = (v: unknown): unknown => (/^\d+$/.test(str(v).trim()) ? Number(str(v).trim()) : str(v).trim());

/** A refusal in the words of transfers' states (the shared helper reads `<prefix>.state.*`). */
const refusal = (e: AppError, locale: Locale) => refusalOf(e, locale, 'transfer' as Parameters<typeof refusalOf>[2]);

/** The step forms of a transfer's page (which show comes from the engine's allowedEvents). */
const STEP_FORMS: Record<
  string,
  { tone: 'primary' | 'danger'; fields: Array<{ name: string; kind: 'textarea' | 'squad'; required?: boolean }> }
> = {
  ACCEPT: { tone: 'primary', fields: [] },
  DISPUTE: { tone: 'danger', fields: [{ name: 'reason', kind: 'textarea', required: true }] },
  DESIGNATE: {
    tone: 'primary',
    fields: [
      { name: 'squad', kind: 'squad', required: true },
      { name: 'reason', kind: 'textarea', required: true },
    ],
  },
  WITHDRAW: { tone: 'danger', fields: [{ name: 'reason', kind: 'textarea', required: true }] },
};

const activeSquads = (squadById: Map<number, Squad>) =>
  [...squadById.values()]
    .filter((s) => s.active)
    .sort(
      (a, b) => (a.groupId ?? 1e9) - (b.groupId ?? 1e9) || (a.memberOrder ?? 0) - (b.memberOrder ?? 0) || a.id - b.id,
    );
const materialLabel = (locale: Locale, code: string) => {
  const label = t(locale, `material.${code}`);
  return label === `material.${code}` ? code : label;
};

/** What the transfer pages use: cases and transfers, the organisation, the history's check. */
type TransferServices = Pick<Services, 'cases' | 'org' | 'historyChain' | 'files' | 'config'>;

/** A case form post as the API's body. */
export function formToCase(body: Body): Record<string, unknown> {
  const out: Record<string, unknown> = {
    reference: str(body.reference),
    partyKind: str(body.partyKind),
    partyName: str(body.partyName),
    violation: str(body.violation),
    location: str(body.location),
  };
  if (str(body.openedOn).trim()) out.openedOn = str(body.openedOn).trim();
  if (str(body.operation).trim()) out.operation = num(body.operation);
  return out;
}

/** The propose form's rows (one per material, by code) as typed. */
function typedMaterials(body: Body): Record<string, { count: string; description: string }> {
  const raw = (body.materials && typeof body.materials === 'object' ? body.materials : {}) as Record<string, Body>;
  return Object.fromEntries(
    Object.entries(raw).map(([code, row]) => [
      code,
      { count: str(row?.count).trim(), description: str(row?.description) },
    ]),
  );
}

/** A propose form post as the API's body: a row counts as listed when its count is filled in. */
export function formToTransfer(body: Body): { body: Record<string, unknown>; codes: string[] } {
  const rows = Object.entries(typedMaterials(body)).filter(([, r]) => r.count !== '');
  return {
    body: {
      case: num(body.case),
      toSquad: str(body.toSquad),
      note: str(body.note),
      materials: rows.map(([code, r]) => ({
        code,
        count: num(r.count),
        ...(r.description.trim() ? { description: r.description.trim() } : {}),
      })),
      // Issue 13: the package's evidence as files (uploaded with the form, or kept from a refused one).
      ...(keptFileIds(body.files).length ? { files: keptFileIds(body.files) } : {}),
    },
    codes: rows.map(([code]) => code),
  };
}

/** A step's form as the API's event body. */
export function formToTransferEvent(type: string, body: Body): Record<string, unknown> {
  const out: Record<string, unknown> = { type, expectedVersion: num(body.expectedVersion) };
  if (type !== 'ACCEPT') out.reason = str(body.reason);
  if (type === 'DESIGNATE') out.squad = str(body.squad);
  return out;
}

/** R10: the case register and case transfers on the web. Same use cases as the API. */
export function casePages(services: Pick<Services, 'cases' | 'clock'>): Router {
  const r = Router();
  const { cases } = services;

  r.get('/', async (req, res) => {
    const p = signedIn(req);
    const squad = typeof req.query.squad === 'string' ? req.query.squad : '';
    const cursor = typeof req.query.cursor === 'string' && req.query.cursor ? req.query.cursor : undefined;
    const page = await cases.listCases(p, { squad: squad || undefined, cursor, limit: 50 });
    res.render('cases/list', {
      pageTitle: t(req.locale, 'case.title'),
      nav: 'cases',
      canRegister: hasRole(p, 'squad_leader') && p.squadId !== null,
      squads: activeSquads(page.squadById).map((s) => ({
        value: s.code,
        label: localName(req.locale, s),
        selected: s.code === squad,
      })),
      rows: page.items.map((c) => {
        const latest = page.transferById.get(c.id);
        return {
          id: c.id,
          reference: c.reference,
          party: c.partyName,
          violation: c.violation,
          handling: localName(req.locale, page.squadById.get(c.handlingSquadId)),
          openedOn: c.openedOn,
          operation: c.operationId,
          transferState: latest?.state ?? null,
        };
      }),
      nextUrl: page.nextCursor
        ? `/cases?${new URLSearchParams({ ...(squad ? { squad } : {}), cursor: page.nextCursor }).toString()}`
        : null,
    });
  });

  r.get('/new', async (req, res) => {
    const values = {
      operation: typeof req.query.operation === 'string' ? req.query.operation : '',
      partyKind: 'stall',
    };
    res.render('cases/form', caseFormView(req.locale, values));
  });

  r.post('/', async (req, res) => {
    const p = signedIn(req);
    const body = (req.body ?? {}) as Body;
    try {
      const id = await cases.registerCase(p, parseInput(createCaseSchema, formToCase(body)) as NewCaseInput);
      res.redirect(303, `/cases/${id}?done=created`);
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500) throw e;
      res.status(e.status).render('cases/form', caseFormView(req.locale, body, refusal(e, req.locale)));
    }
  });

  r.get('/:id', async (req, res) => {
    const p = signedIn(req);
    const record = await cases.getCase(p, idParam(req.params.id));
    const c = record.case;
    const now = services.clock.now();
    const sq = (id: number | null) => (id === null ? '' : localName(req.locale, record.squadById.get(id)));
    res.render('cases/show', {
      pageTitle: `${t(req.locale, 'case.title')} ${c.reference}`,
      nav: 'cases',
      flash: req.query.done === 'created' ? { kind: 'ok', text: t(req.locale, 'case.done.created') } : undefined,
      c: {
        id: c.id,
        reference: c.reference,
        partyKind: c.partyKind,
        partyName: c.partyName,
        violation: c.violation,
        location: c.location,
        openedOn: c.openedOn,
        handling: sq(c.handlingSquadId),
        registering: sq(c.registeringSquadId),
        operation: record.operation,
        openTransfer: c.openTransferId,
      },
      mayPropose: record.mayPropose,
      transfers: record.transfers.map((tr) => ({
        id: tr.id,
        state: tr.state,
        from: sq(tr.fromSquadId),
        to: sq(tr.toSquadId),
        designated: sq(tr.designatedSquadId),
        proposedAt: tr.proposedAt,
        light: lightFromProjection(tr, now),
      })),
    });
  });

  return r;
}

function caseFormView(locale: Locale, values: Body, refused?: Refusal) {
  const s = (k: string) => str(values[k]);
  return {
    pageTitle: t(locale, 'case.new_title'),
    nav: 'cases',
    values: {
      reference: s('reference'),
      partyName: s('partyName'),
      violation: s('violation'),
      location: s('location'),
      openedOn: s('openedOn'),
      operation: s('operation'),
    },
    partyKinds: ['stall', 'person'].map((k) => ({
      value: k,
      label: t(locale, `case.party.${k}`),
      selected: s('partyKind') === k,
    })),
    errors: refused?.errors ?? {},
    banner: refused?.banner ?? null,
  };
}

/** R10: the transfers list, the propose form, a transfer's page and its steps. */
export function transferPages(services: TransferServices): Router {
  const r = Router();
  const { cases } = services;

  r.get('/', async (req, res) => {
    const p = signedIn(req);
    const q = req.query as Record<string, string | undefined>;
    const filters = {
      state: CASE_TRANSFER_STATES.includes(q.state as never) ? q.state : undefined,
      squad: q.squad || undefined,
      light: ['green', 'amber', 'red'].includes(q.light ?? '') ? (q.light as 'green' | 'amber' | 'red') : undefined,
    };
    const page = await cases.list(p, { ...filters, cursor: q.cursor || undefined, limit: 50 });
    const keep = new URLSearchParams(Object.entries(filters).filter(([, v]) => v) as Array<[string, string]>);
    const sq = (id: number | null) => (id === null ? '' : localName(req.locale, page.squadById.get(id)));
    res.render('transfers/list', {
      pageTitle: t(req.locale, 'transfer.title'),
      nav: 'transfers',
      states: CASE_TRANSFER_STATES.map((s) => ({
        value: s,
        label: t(req.locale, `transfer.state.${s}`),
        selected: s === filters.state,
      })),
      squads: activeSquads(page.squadById).map((s) => ({
        value: s.code,
        label: localName(req.locale, s),
        selected: s.code === filters.squad,
      })),
      lights: ['green', 'amber', 'red'].map((l) => ({
        value: l,
        label: t(req.locale, `light.${l}`),
        selected: l === filters.light,
      })),
      rows: page.items.map((tr) => ({
        id: tr.id,
        reference: page.caseById.get(tr.caseId)?.reference ?? '',
        caseId: tr.caseId,
        state: tr.state,
        from: sq(tr.fromSquadId),
        to: sq(tr.toSquadId),
        designated: sq(tr.designatedSquadId),
        proposedAt: tr.proposedAt,
        dueAt: tr.dueAt,
        light: lightFromProjection(tr, page.now),
      })),
      nextUrl: page.nextCursor
        ? `/transfers?${new URLSearchParams([...keep, ['cursor', page.nextCursor]]).toString()}`
        : null,
      firstUrl: q.cursor ? `/transfers?${keep.toString()}` : null,
    });
  });

  r.get('/new', async (req, res) => {
    const p = signedIn(req);
    const caseId = idParam(typeof req.query.case === 'string' ? req.query.case : undefined);
    // The form is offered only to those who may propose now (the domain decides again on the post).
    const record = await cases.getCase(p, caseId);
    if (record.case.openTransferId !== null)
      throw new ConflictError('The case already has a transfer under way', 'transfer_open');
    const permit = mayProposeTransfer(p, record.case.handlingSquadId);
    if (!permit.ok)
      throw new ForbiddenError('Only a leader of the squad handling the case proposes its transfer', permit.reason);
    res.render('transfers/form', await proposeView(services, p, req.locale, caseId, {}));
  });

  r.post('/', async (req, res) => {
    const p = signedIn(req);
    const body = (req.body ?? {}) as Body;
    let { body: input, codes } = formToTransfer(body);
    try {
      await receivePhotos({ files: services.files, maxBytes: services.config.files.maxBytes }, p, req, body);
      ({ body: input, codes } = formToTransfer(body));
      const id = await cases.propose(p, parseInput(createTransferSchema, input) as NewTransferInput);
      res.redirect(303, `/transfers/${id}?done=created`);
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500) throw e;
      // A missing item is named by its name, not its code (the dictionaries' words, as everywhere a problem is told).
      const refused = refusal(e, req.locale);
      // zod names a material by its place in the list; the form names it by its row.
      for (const [field, message] of Object.entries(refused.errors)) {
        const m = /^materials\.(\d+)\./.exec(field);
        if (m && codes[Number(m[1])]) refused.errors[`materials.${codes[Number(m[1])]}`] = message;
      }
      const caseId = typeof input.case === 'number' ? input.case : NaN;
      if (!Number.isSafeInteger(caseId)) throw new ValidationError('No case named', { case: 'required' });
      res.status(e.status).render('transfers/form', await proposeView(services, p, req.locale, caseId, body, refused));
    }
  });

  r.get('/:id', async (req, res) => {
    const id = idParam(req.params.id);
    const done = typeof req.query.done === 'string' ? req.query.done : '';
    res.render('transfers/show', {
      ...(await transferPage(services, signedIn(req), req.locale, id)),
      flash: done ? { kind: 'ok', text: t(req.locale, `transfer.done.${done}`) } : undefined,
    });
  });

  stepFormRoute(r, {
    forms: STEP_FORMS,
    send: async (p, id, type, body) => {
      await cases.send(
        p,
        id,
        parseInput(
          transferEventSchemas[type as keyof typeof transferEventSchemas],
          formToTransferEvent(type, body),
        ) as TransferEventInput,
      );
      return `/transfers/${id}?done=${type.toLowerCase()}`;
    },
    refusal,
    refused: (req, res, id, form) => renderRefused(req, res, services, id, form),
  });

  return r;
}

/** The propose form: the case, the receiving squad, the package (required items from config first), the note. */
async function proposeView(
  services: Pick<Services, 'cases'>,
  p: Principal,
  locale: Locale,
  caseId: number,
  values: Body,
  refused?: Refusal,
) {
  const record = await services.cases.getCase(p, caseId);
  const required = services.cases.requiredMaterials();
  const typed = typedMaterials(values);
  const errors = refused?.errors ?? {};
  const toSquad = str(values.toSquad);
  return {
    pageTitle: t(locale, 'transfer.new_title'),
    nav: 'transfers',
    c: {
      id: record.case.id,
      reference: record.case.reference,
      handling: localName(locale, record.squadById.get(record.case.handlingSquadId)),
      violation: record.case.violation,
      location: record.case.location,
    },
    allowed: record.mayPropose,
    squads: activeSquads(record.squadById)
      .filter((s) => s.id !== record.case.handlingSquadId)
      .map((s) => ({ value: s.code, label: localName(locale, s), selected: s.code === toSquad })),
    materials: [...required, 'other'].map((code) => ({
      code,
      label: materialLabel(locale, code),
      required: required.includes(code),
      count: typed[code]?.count ?? '',
      description: typed[code]?.description ?? '',
      error: errors[`materials.${code}`] ?? '',
    })),
    note: str(values.note),
    errors,
    banner: refused?.banner ?? null,
    photos: photosFieldView(locale, values, errors),
  };
}

async function renderRefused(req: Request, res: Response, services: TransferServices, id: number, form: StepFormState) {
  const view = await transferPage(services, signedIn(req), req.locale, id, form);
  // A form the user may no longer send still shows what they typed.
  const kept = view.forms.some((f) => f.type === form.type)
    ? null
    : str(form.values.reason).trim()
      ? [{ label: t(req.locale, 'field.reason'), value: str(form.values.reason) }]
      : null;
  res.status(form.status).render('transfers/show', { ...view, banner: form.refusal.banner, lostInput: kept });
}

/** Everything a transfer's page shows: the case, the package, the answer and designation, the clock, the steps this user may take, the history. */
async function transferPage(
  services: TransferServices,
  p: Principal,
  locale: Locale,
  id: number,
  form?: StepFormState,
) {
  // Issue 13: the package's evidence as files.
  const record = await services.cases.get(p, id);
  const evidence = recordEvidence(record.files, locale, p.timeZone);
  const history = await services.cases.history(p, id);
  const ctx = record.context;
  const sq = (sid: number | null) => (sid === null ? '' : localName(locale, record.squadById.get(sid)));
  const person = (uid: number | null) => (uid === null ? '' : (record.userById.get(uid)?.displayName ?? ''));
  const required = services.cases.requiredMaterials();
  return {
    pageTitle: `${t(locale, 'transfer.title')} · ${record.case.reference}`,
    nav: 'transfers',
    tr: {
      id,
      version: record.version,
      state: record.state,
      caseId: record.case.id,
      reference: record.case.reference,
      partyName: record.case.partyName,
      violation: record.case.violation,
      location: record.case.location,
      handlingNow: sq(record.case.handlingSquadId),
      from: sq(ctx.fromSquadId),
      to: sq(ctx.toSquadId),
      note: ctx.note,
      proposedBy: person(ctx.proposedBy),
      proposedAt: record.transfer.proposedAt,
      disputeReason: ctx.disputeReason,
      answeredBy: person(ctx.answeredBy),
      designated: sq(ctx.designatedSquadId),
      designationReason: ctx.designationReason,
      designatedBy: person(ctx.designatedBy),
      withdrawReason: ctx.withdrawReason,
      materials: ctx.materials.map((m) => ({
        label: materialLabel(locale, m.code),
        code: m.code,
        count: m.count,
        description: m.description,
        required: required.includes(m.code),
      })),
      clock: record.clock.kind
        ? { limit: t(locale, `limit.${record.clock.kind}`), dueAt: record.clock.dueAt, light: record.clock.light }
        : null,
    },
    forms: record.allowedEvents
      .filter((e) => Object.hasOwn(STEP_FORMS, e))
      .map((type) => {
        const mine = form?.type === type ? form : undefined;
        const spec = STEP_FORMS[type];
        return {
          type,
          action: `/transfers/${id}/events/${type}`,
          label: t(locale, `transfer.event.${type}`),
          help: t(locale, `transfer.event_help.${type}`),
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
            const typed = mine ? str(mine.values[f.name]) : '';
            return {
              ...f,
              [`is_${f.kind}`]: true,
              label: t(locale, f.name === 'squad' ? 'field.designatedSquad' : `field.${f.name}`),
              value: typed,
              error: mine?.refusal.errors[f.name],
              // The squad designated is chosen from the active squads (the two sides marked ·).
              is_select: f.kind === 'squad',
              blank: f.kind === 'squad' ? '—' : undefined,
              options:
                f.kind === 'squad'
                  ? activeSquads(record.squadById).map((s) => ({
                      value: s.code,
                      label: localName(locale, s),
                      selected: s.code === typed,
                      side: s.id === ctx.fromSquadId || s.id === ctx.toSquadId,
                    }))
                  : [],
            };
          }),
        };
      }),
    timeline: await timelineOf(services.org, history, locale, p.timeZone, wordsOf('transfer'), evidence.byId),
    evidence: evidence.items,
    historyCheck: await services.historyChain.checkRows(p, 'case_transfer', id, history),
  };
}
