import { Router, type Request, type Response } from 'express';
import type { AttachedFile } from '../../domain/files/files.service';
import type { Services } from '../../container';
import type { GoodsEventInput, GoodsFilters, RegisterGoodsInput } from '../../domain/goods/goods.inputs';
import { REGISTERING_STATES, type GoodsRecordView } from '../../domain/goods/goods.service';
import type { Principal } from '../../domain/org/org.service';
import { AppError } from '../../errors';
import { type Locale, t } from '../../i18n';
import { DISPOSAL_METHODS, GOODS_STATES } from '../../../workflows/goods';
import { idParam } from '../api/params';
import { goodsEventSchemas, registerGoodsSchema } from '../schemas/goods.schema';
import { parseInput } from '../validate';
import { answerFor } from './locals';
import { type Refusal, refusalOf as sharedRefusalOf } from './plans-meetings-view';
import { type TimelineWords, timelineOf, wordsOf } from './timeline';
import { type StepFormState, stepFormRoute } from './step-route';
import { ledgerView } from './goods-view';
import { localName } from '../../i18n/local-name';
import { signedIn } from '../signed-in';
import { isPhotoError, keptFileIds, photosFieldView } from './photos-field';
import { receivePhotos } from './evidence-upload';
import { evidenceItems, recordEvidence } from './evidence-view';

type Body = Record<string, unknown>;
type FieldKind = 'text' | 'textarea' | 'method' | 'squad';

/** The item page's step forms (which show comes from the engine's allowedEvents). */
const STEP_FORMS: Record<
  string,
  {
    tone: 'primary' | 'danger' | 'plain';
    fields: Array<{ name: string; kind: FieldKind; required?: boolean }>;
    /** Issue 13: the step takes evidence photos (the item's condition when returned or disposed of). */
    photos?: boolean;
  }
> = {
  RETURN_TO_OWNER: {
    tone: 'primary',
    photos: true,
    fields: [
      { name: 'receivedBy', kind: 'text', required: true },
      { name: 'note', kind: 'textarea' },
    ],
  },
  CONFISCATE: { tone: 'plain', fields: [{ name: 'decisionRef', kind: 'text', required: true }] },
  APPROVE_DISPOSAL: {
    tone: 'plain',
    fields: [
      { name: 'method', kind: 'method', required: true },
      { name: 'reason', kind: 'textarea', required: true },
    ],
  },
  DISPOSE: {
    tone: 'danger',
    photos: true,
    fields: [
      { name: 'method', kind: 'method', required: true },
      { name: 'note', kind: 'textarea' },
    ],
  },
  EXTEND: { tone: 'plain', fields: [{ name: 'reason', kind: 'textarea', required: true }] },
  MOVE: {
    tone: 'plain',
    fields: [
      { name: 'custodianSquad', kind: 'squad', required: true },
      { name: 'storagePlace', kind: 'text', required: true },
      { name: 'reason', kind: 'textarea' },
    ],
  },
};

/** Rows of the register form: blank rows beyond what was typed. */
const FORM_ROWS = 4;
const ITEM_FIELDS = [
  'description',
  'quantity',
  'unit',
  'perishable',
  'custodianSquad',
  'storagePlace',
  'caseRef',
] as const;

const str = (v: unknown): string =>
  (v === undefined || v === null ? '' : Array.isArray(v) ? String(v[0] ?? '') : String(v)).trim();
const orUndefined = (v: unknown) => (str(v) === '' ? undefined : str(v));

/** A refusal as a goods form shows it: a message by each named field, and a banner saying what happened. */
const refusalOf = (e: AppError, locale: Locale): Refusal => sharedRefusalOf(e, locale, 'goods', 'goods');

/** The register form's rows as typed, without the blank ones (a row counts once anything is in it). */
function typedRows(body: Body): Array<Record<string, string>> {
  const raw = body.items;
  const rows = Array.isArray(raw)
    ? raw
    : raw && typeof raw === 'object'
      ? Object.values(raw as Record<string, unknown>)
      : [];
  return rows
    .map((r) => Object.fromEntries(ITEM_FIELDS.map((f) => [f, str((r as Body | undefined)?.[f])])))
    .filter((r) => ['description', 'quantity', 'unit', 'storagePlace', 'caseRef'].some((f) => r[f] !== ''));
}

/** The register form as the API's body: the same schema checks both; bad values pass on as typed, for it to name. */
function formToRegister(body: Body, operation: number) {
  const party = (body.party ?? {}) as Body;
  return {
    operation,
    party: {
      name: str(party.name),
      idNumber: orUndefined(party.idNumber) ?? null,
      phone: orUndefined(party.phone) ?? null,
      stall: str(party.stall),
    },
    items: typedRows(body).map((r) => ({
      description: r.description,
      quantity: r.quantity === '' ? undefined : Number(r.quantity),
      unit: r.unit,
      perishable: r.perishable === 'on' || r.perishable === 'true' || r.perishable === '1',
      custodianSquad: r.custodianSquad || null,
      storagePlace: r.storagePlace,
      caseRef: r.caseRef || null,
    })),
    // Issue 13: photos of the goods' condition at detention (uploaded with the form, or kept from a refused one).
    ...(keptFileIds(body.files).length ? { files: keptFileIds(body.files) } : {}),
  };
}

function formToEvent(type: string, body: Body): Body {
  const out: Body = { type, expectedVersion: Number(str(body.expectedVersion)) || undefined };
  for (const f of Object.hasOwn(STEP_FORMS, type) ? STEP_FORMS[type].fields : []) {
    const v = str(body[f.name]);
    if (v !== '' || f.required) out[f.name] = v;
  }
  const files = Object.hasOwn(STEP_FORMS, type) && STEP_FORMS[type].photos ? keptFileIds(body.files) : [];
  if (files.length) out.files = files;
  return out;
}

/** What the goods pages use: the goods, the organisation (squads, people), the history's check. */
type GoodsPagesServices = Pick<Services, 'goods' | 'org' | 'historyChain' | 'files' | 'config'>;

/** R13 pages: register goods from an operation, the list, an item with its steps and custody, the ledger, the printed list. */
export function goodsPages(services: GoodsPagesServices): Router {
  const r = Router();
  const { goods } = services;

  r.get('/', async (req, res) => {
    const p = signedIn(req);
    const q = req.query as Record<string, string | undefined>;
    const filters: GoodsFilters = {
      state: GOODS_STATES.includes(q.state as never) ? q.state : undefined,
      squad: q.squad || undefined,
      light: ['green', 'amber', 'red'].includes(q.light ?? '') ? (q.light as GoodsFilters['light']) : undefined,
      operation: q.operation && /^\d+$/.test(q.operation) ? Number(q.operation) : undefined,
      cursor: q.cursor || undefined,
      limit: 50,
    };
    const page = await goods.list(p, filters);
    const keep = new URLSearchParams(
      Object.entries({
        state: filters.state,
        squad: filters.squad,
        light: filters.light,
        operation: filters.operation ? String(filters.operation) : undefined,
      }).filter((e): e is [string, string] => !!e[1]),
    );
    const squads = [...page.squadById.values()].filter((s) => s.active);
    res.render('goods/list', {
      pageTitle: t(req.locale, 'goods.list_title'),
      nav: 'goods',
      filters: { ...filters, operation: filters.operation ?? '' },
      states: GOODS_STATES.map((s) => ({
        value: s,
        label: t(req.locale, `goods.state.${s}`),
        selected: s === filters.state,
      })),
      lights: ['green', 'amber', 'red'].map((l) => ({
        value: l,
        label: t(req.locale, `light.${l}`),
        selected: l === filters.light,
      })),
      squads: squads.map((s) => ({
        value: s.code,
        label: localName(req.locale, s),
        selected: s.code === filters.squad,
      })),
      items: page.items.map((i) => ({
        id: i.id,
        operation: i.operationId,
        operationYear: page.operationById.get(i.operationId)?.numberYear ?? null,
        operationSeq: page.operationById.get(i.operationId)?.numberSeq ?? null,
        party: page.partyById.get(i.partyId)?.name ?? '',
        description: i.description,
        quantity: i.quantity,
        unit: i.unit,
        perishable: i.perishable,
        state: i.state,
        custodian: localName(req.locale, page.squadById.get(i.custodianSquadId)),
        storagePlace: i.storagePlace,
        dueAt: i.dueAt,
        light: goods.lightOf(i),
      })),
      nextUrl: page.nextCursor
        ? `/goods?${new URLSearchParams([...keep.entries(), ['cursor', page.nextCursor]]).toString()}`
        : null,
      firstUrl: filters.cursor ? `/goods?${keep.toString()}` : null,
    });
  });

  r.get('/new', async (req, res) => {
    const p = signedIn(req);
    const operation = idParam(String(req.query.operation ?? ''));
    res.render('goods/register', await registerView(services, p, req.locale, operation, {}));
  });

  r.post('/', async (req, res) => {
    const p = signedIn(req);
    const body = (req.body ?? {}) as Body;
    const operation = idParam(str(body.operation));
    try {
      await receivePhotos(evidenceOf(services), p, req, body);
      const { operation: opId, ...rest } = parseInput(registerGoodsSchema, formToRegister(body, operation));
      const input: RegisterGoodsInput = { operationId: opId, ...rest };
      const { partyId } = await goods.register(p, input);
      res.redirect(303, `/goods/ledger/${operation}?done=registered&party=${partyId}`);
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500 || e.status === 404) throw e;
      answerFor(res, `/goods/new?operation=${operation}`);
      res
        .status(e.status)
        .render(
          'goods/register',
          await registerView(services, p, req.locale, operation, body, refusalOf(e, req.locale)),
        );
    }
  });

  r.get('/ledger/:operation', async (req, res) => {
    const p = signedIn(req);
    const view = await ledgerView(services, p, req.locale, idParam(req.params.operation));
    const done = req.query.done === 'registered';
    res.render('goods/ledger', {
      ...view,
      pageTitle: t(req.locale, 'goods.ledger_title', { id: view.operation.id }),
      nav: 'goods',
      flash: done ? { kind: 'ok', text: t(req.locale, 'goods.done.registered') } : undefined,
    });
  });

  r.get('/print/:operation/:party', async (req, res) => {
    const p = signedIn(req);
    const list = await goods.detentionList(p, idParam(req.params.operation), idParam(req.params.party));
    const rows = list.items.map((i, n) => ({
      n: n + 1,
      description: i.description,
      quantity: i.quantity,
      unit: i.unit,
      perishable: i.perishable,
      custodian: localName(req.locale, list.squadById.get(i.custodianSquadId)),
      storagePlace: i.storagePlace,
      caseRef: i.caseRef,
      dueAt: i.dueAt,
    }));
    const host = list.operation.hostSquadId ?? list.operation.leadSquadId;
    // Issue 13: the items' evidence, listed (file, taken at, SHA-256 prefix): each file once, in the order attached
    // (read with the list just read, in one statement for all its items).
    const files = new Map<string, AttachedFile>();
    const attached = await services.files.attachedTo(
      p.brigadeId,
      'goods',
      list.items.map((i) => i.id),
    );
    for (const f of attached) files.set(f.id, f);
    res.render('goods/print', {
      pageTitle: t(req.locale, 'goods.print_title'),
      nav: 'goods',
      bodyClass: 'detention-list',
      operation: {
        id: list.operation.id,
        numberYear: list.operation.numberYear,
        numberSeq: list.operation.numberSeq,
        title: list.operation.title,
        location: list.operation.location,
      },
      host: localName(req.locale, list.squadById.get(host)),
      party: list.party,
      registeredAt: list.items[0]?.registeredAt ?? list.party.createdAt,
      evidence: evidenceItems([...files.values()], req.locale, p.timeZone),
      // R13: the list is printed in duplicate — one for the party, one kept as the stub.
      copies: [
        { key: 'party', label: t(req.locale, 'goods.copy_party') },
        { key: 'stub', label: t(req.locale, 'goods.copy_stub') },
      ].map((c) => ({ ...c, rows })),
    });
  });

  r.get('/:id', async (req, res) => {
    const id = idParam(req.params.id);
    const done = typeof req.query.done === 'string' ? req.query.done : '';
    res.render('goods/show', {
      ...(await itemPage(services, signedIn(req), req.locale, id)),
      flash: done ? { kind: 'ok', text: t(req.locale, 'goods.done.step') } : undefined,
    });
  });

  stepFormRoute(r, {
    forms: STEP_FORMS,
    send: async (p, id, type, body) => {
      await goods.send(
        p,
        id,
        parseInput(
          goodsEventSchemas[type as keyof typeof goodsEventSchemas],
          formToEvent(type, body),
        ) as GoodsEventInput,
      );
      return `/goods/${id}?done=${type.toLowerCase()}`;
    },
    refusal: refusalOf,
    refused: (req, res, id, form) => renderRefused(req, res, services, id, form),
    evidence: { ...evidenceOf(services), takes: (type) => STEP_FORMS[type]?.photos === true },
  });

  return r;
}

/** The files service as the goods forms upload their photos with it. */
const evidenceOf = (services: Pick<Services, 'files' | 'config'>) => ({
  files: services.files,
  maxBytes: services.config.files.maxBytes,
});

/** The register form: the operation, the party, rows of items (the custodian the host squad by default). */
async function registerView(
  services: Pick<Services, 'goods' | 'org'>,
  p: Principal,
  locale: Locale,
  operationId: number,
  body: Body,
  refusal?: Refusal,
) {
  const { operation, squadIds, caseRefs } = await services.goods.registerForm(p, operationId);
  const squads = await services.org.squads(p.brigadeId);
  const byId = new Map(squads.map((s) => [s.id, s]));
  const host = byId.get(operation.hostSquadId ?? operation.leadSquadId);
  const errors = refusal?.errors ?? {};
  const typed = typedRows(body);
  const rows = [
    ...typed,
    ...Array.from({ length: Math.max(1, FORM_ROWS - typed.length) }, () =>
      Object.fromEntries(ITEM_FIELDS.map((f) => [f, ''])),
    ),
  ];
  const party = (body.party ?? {}) as Body;
  return {
    pageTitle: t(locale, 'goods.register_title'),
    nav: 'goods',
    operation: {
      id: operation.id,
      numberYear: operation.numberYear,
      numberSeq: operation.numberSeq,
      title: operation.title,
      state: operation.state,
    },
    // The form is shown only while goods may be registered; the domain decides again on the post.
    registering: REGISTERING_STATES.includes(operation.state),
    party: { name: str(party.name), idNumber: str(party.idNumber), phone: str(party.phone), stall: str(party.stall) },
    rows: rows.map((r, i) => ({
      index: i,
      n: i + 1,
      values: r,
      perishable: r.perishable === 'on' || r.perishable === 'true',
      squads: squadIds.map((squadId) => {
        const s = byId.get(squadId);
        return {
          value: s?.code ?? '',
          label: localName(locale, s),
          selected: r.custodianSquad ? r.custodianSquad === s?.code : s?.id === host?.id,
        };
      }),
      errors: Object.fromEntries(ITEM_FIELDS.map((f) => [f, errors[`items.${i}.${f}`]])),
    })),
    caseRefs,
    errors,
    photos: photosFieldView(locale, body, errors),
    banner: refusal?.banner ?? null,
  };
}

async function renderRefused(
  req: Request,
  res: Response,
  services: GoodsPagesServices,
  id: number,
  form: StepFormState,
) {
  const view = await itemPage(services, signedIn(req), req.locale, id, form);
  const offered = view.forms.some((f) => f.type === form.type);
  // A form the user may no longer send still shows what they typed …
  const kept = offered
    ? null
    : ['receivedBy', 'decisionRef', 'reason', 'note', 'storagePlace']
        .filter((k) => str(form.values[k]))
        .map((k) => ({ label: t(req.locale, `goods.field.${k}`), value: str(form.values[k]) }));
  // … and why, in the banner: with no form to mark, "fix the marked fields" would say nothing (e.g. the limit has passed).
  const why = offered ? [] : Object.values(form.refusal.errors);
  const banner = why.length ? { kind: form.refusal.banner.kind, text: why.join(' ') } : form.refusal.banner;
  answerFor(res, `/goods/${id}`);
  res.status(form.status).render('goods/show', { ...view, banner, lostInput: kept && kept.length ? kept : null });
}

/** Everything an item's page shows: what, whose, where, its limit and light, the steps this user may take, custody and history. */
async function itemPage(services: GoodsPagesServices, p: Principal, locale: Locale, id: number, form?: StepFormState) {
  // Issue 13: the item's evidence (its condition at detention, the receipt when returned …).
  const record: GoodsRecordView = await services.goods.get(p, id);
  const evidence = recordEvidence(record.files, locale, p.timeZone);
  const history = await services.goods.history(p, id);
  const custody = await services.goods.custody(p, id);
  const ctx = record.context;
  const squad = (sid: number) => localName(locale, record.squadById.get(sid));
  const active = [...record.squadById.values()].filter((s) => s.active);
  const ids = [...new Set(custody.map((c) => c.byUserId).filter((x): x is number => x !== null))];
  const people = new Map((await services.org.usersByIds(ids)).map((u) => [u.id, u.displayName]));
  return {
    pageTitle: `${t(locale, 'goods.title')} #${id}`,
    nav: 'goods',
    g: {
      id,
      version: record.version,
      state: record.state,
      description: ctx.description,
      quantity: ctx.quantity,
      unit: ctx.unit,
      perishable: ctx.perishable,
      caseRef: ctx.caseRef,
      party: record.party,
      operation: {
        id: record.operation.id,
        numberYear: record.operation.numberYear,
        numberSeq: record.operation.numberSeq,
        title: record.operation.title,
      },
      custodian: squad(ctx.custody.squadId),
      storagePlace: ctx.custody.place,
      registeredAt: new Date(ctx.registeredAt),
      dueAt: new Date(ctx.dueAt),
      light: record.light,
      extension: ctx.extension,
      approval: ctx.disposalApproval
        ? { ...ctx.disposalApproval, methodLabel: t(locale, `goods.method.${ctx.disposalApproval.method}`) }
        : null,
      outcome: ctx.outcome
        ? {
            ...ctx.outcome,
            at: new Date(ctx.outcome.at),
            methodLabel: ctx.outcome.kind === 'disposed' ? t(locale, `goods.method.${ctx.outcome.method}`) : '',
          }
        : null,
    },
    forms: record.allowedEvents
      .filter((e) => Object.hasOwn(STEP_FORMS, e))
      .map((type) => {
        const mine = form?.type === type ? form : undefined;
        const spec = STEP_FORMS[type];
        const typed = (k: string) => (mine ? str(mine.values[k]) : undefined);
        const initial = (name: string) =>
          name === 'receivedBy'
            ? record.party.name
            : name === 'method' && ctx.disposalApproval
              ? ctx.disposalApproval.method
              : name === 'custodianSquad'
                ? (record.squadById.get(ctx.custody.squadId)?.code ?? '')
                : '';
        return {
          type,
          action: `/goods/${id}/events/${type}`,
          label: t(locale, `goods.event.${type}`),
          help: t(locale, `goods.event_help.${type}`),
          tone: spec.tone,
          open: mine !== undefined,
          expectedVersion: record.version,
          photos: spec.photos ? photosFieldView(locale, mine?.values, mine?.refusal.errors) : null,
          error: mine
            ? Object.entries(mine.refusal.errors)
                .filter(([k]) => !spec.fields.some((f) => f.name === k))
                .filter(([k]) => !(spec.photos && isPhotoError(k)))
                .map(([, v]) => v)
                .join(' ')
            : '',
          fields: spec.fields.map((f) => {
            const value = typed(f.name) ?? initial(f.name);
            return {
              ...f,
              [`is_${f.kind}`]: true,
              label: t(locale, `goods.field.${f.name}`),
              value,
              error:
                mine?.refusal.errors[f.name] ??
                (f.name === 'custodianSquad' ? mine?.refusal.errors.custodianSquad : undefined),
              // A method or a squad is chosen from a list (one always chosen: no blank).
              is_select: f.kind === 'method' || f.kind === 'squad',
              options:
                f.kind === 'method'
                  ? DISPOSAL_METHODS.map((mth) => ({
                      value: mth,
                      label: t(locale, `goods.method.${mth}`),
                      selected: mth === value,
                    }))
                  : f.kind === 'squad'
                    ? active.map((s) => ({ value: s.code, label: localName(locale, s), selected: s.code === value }))
                    : [],
            };
          }),
        };
      }),
    custody: custody.map((c) => ({
      custodian: squad(c.squadId),
      place: c.place,
      from: c.from,
      until: c.until,
      by: (c.byUserId !== null ? people.get(c.byUserId) : undefined) ?? c.by,
      reason: c.reason,
    })),
    timeline: await timelineOf(services.org, history, locale, p.timeZone, goodsTimelineWords(locale), evidence.byId),
    evidence: evidence.items,
    // The rows shown may be masked (goods.policy.ts): the check reads the stored steps itself.
    historyCheck: await services.historyChain.checkRows(p, 'goods', id, []),
  };
}

/** History payload fields worth showing in a timeline, in this order. */
const DETAIL_FIELDS = ['receivedBy', 'decisionRef', 'method', 'reason', 'storagePlace', 'note'];

/** An item's timeline words: what each custody step carried (the registration's own fields are on the page). */
function goodsTimelineWords(locale: Locale): TimelineWords {
  return wordsOf('goods', (payload, event) =>
    event === 'CREATE'
      ? []
      : DETAIL_FIELDS.filter((f) => typeof payload[f] === 'string' && payload[f] !== '').map((f) => ({
          label: t(locale, `goods.field.${f}`),
          value: f === 'method' ? t(locale, `goods.method.${String(payload[f])}`) : String(payload[f]),
        })),
  );
}
