import { Router } from 'express';
import { yearOrMonth, yearText } from '../schemas/common.schema';
import type { Services } from '../../container';
import { AppError } from '../../errors';
import { describeFieldProblem, t } from '../../i18n';
import { mayResolveFlags } from '../../domain/oversight/oversight.policy';
import { idParam } from '../api/params';
import { flagLink, flagSentence } from '../presenters/flag.presenter';
import { FLAG_KINDS, FLAG_STATUSES, resolveFlagBody } from '../schemas/oversight.schema';
import { parseInput } from '../validate';
import { monthOf } from '../../domain/oversight/periods';
import { localName } from '../../i18n/local-name';
import { signedIn } from '../signed-in';

/** Oversight pages: flags, the compliance view (R6). The jobs have their own page (jobs.routes.ts). */
export function oversightPages(services: Pick<Services, 'flags' | 'compliance' | 'org' | 'admin' | 'clock'>): Router {
  const r = Router();

  r.get('/flags', async (req, res) => {
    const p = signedIn(req);
    const q = req.query as Record<string, string | undefined>;
    const status =
      q.status === 'all'
        ? undefined
        : q.status && (FLAG_STATUSES as readonly string[]).includes(q.status)
          ? q.status
          : 'open';
    const groups = (await services.org.groups(p.brigadeId)).map((g) => g.group);
    const group = groups.find((g) => g.code === q.group);
    const kind = q.kind && (FLAG_KINDS as readonly string[]).includes(q.kind) ? q.kind : undefined;
    const period = q.period && yearOrMonth.safeParse(q.period).success ? q.period : undefined;
    const flags = await services.flags.list(p, { status, group: group?.id, kind, period, limit: 300 });
    const names = await services.flags.names(p, flags);
    res.render('oversight/flags', {
      pageTitle: t(req.locale, 'nav.flags'),
      nav: 'flags',
      filters: { status: q.status ?? 'open', group: q.group ?? '', kind: kind ?? '', period: period ?? '' },
      statuses: ['open', 'resolved', 'resolved_by_data', 'all'].map((s) => ({
        value: s,
        label: t(req.locale, `flag_status.${s}`),
        selected: (q.status ?? 'open') === s,
      })),
      kinds: FLAG_KINDS.map((k) => ({ value: k, label: t(req.locale, `flag_kind.${k}`), selected: kind === k })),
      groups: groups.map((g) => ({ value: g.code, label: localName(req.locale, g), selected: q.group === g.code })),
      rows: flags.map((f) => ({
        id: f.id,
        rule: f.rule,
        kind: f.kind,
        period: f.period,
        status: f.status,
        group: f.groupId !== null ? localName(req.locale, names.groups.get(f.groupId)) : '',
        sentence: flagSentence(f, req.locale, names),
        raisedAt: f.raisedAt,
      })),
    });
  });

  const flagPage = async (
    req: Parameters<Parameters<Router['get']>[1]>[0],
    id: number,
    extra: Record<string, unknown> = {},
  ) => {
    const p = signedIn(req);
    const flag = await services.flags.get(p, id);
    const names = await services.flags.names(p, [flag]);
    const group = flag.groupId !== null ? names.groups.get(flag.groupId) : undefined;
    const squad = flag.squadId !== null ? names.squads.get(flag.squadId) : undefined;
    return {
      pageTitle: `${t(req.locale, 'nav.flags')} #${flag.id}`,
      nav: 'flags',
      flag: {
        ...flag,
        sentence: flagSentence(flag, req.locale, names),
        link: flagLink(flag, names),
        groupName: localName(req.locale, group),
        squadName: localName(req.locale, squad),
        resolver: flag.resolvedBy !== null ? (names.users.get(flag.resolvedBy)?.displayName ?? '') : '',
      },
      canResolve: flag.status === 'open' && mayResolveFlags(p).ok,
      ...extra,
    };
  };

  r.get('/flags/:id', async (req, res) => {
    res.render('oversight/flag', await flagPage(req, idParam(req.params.id)));
  });

  r.post('/flags/:id/resolve', async (req, res) => {
    const id = idParam(req.params.id);
    try {
      const { note } = parseInput(resolveFlagBody, { note: String(req.body?.note ?? '') });
      await services.flags.resolve(signedIn(req), id, note);
      res.redirect(303, `/flags/${id}`);
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500 || e.status === 404) throw e;
      const errors = Object.fromEntries(
        Object.entries(e.fields).map(([k, v]) => [k, describeFieldProblem(req.locale, v)]),
      );
      const banner =
        e.status === 403
          ? t(req.locale, 'reason.not_manager')
          : e.status === 422
            ? t(req.locale, 'problem.flag_not_open')
            : t(req.locale, 'form.fix_fields');
      res
        .status(e.status)
        .render('oversight/flag', await flagPage(req, id, { note: req.body?.note ?? '', errors, banner }));
    }
  });

  r.get('/compliance', async (req, res) => {
    const p = signedIn(req);
    const now = services.clock.now();
    const year = yearText.safeParse(req.query.year).success
      ? Number(req.query.year)
      : Number(monthOf(now, p.timeZone).slice(0, 4));
    const grid = await services.compliance.year(p, year);
    res.render('oversight/compliance', {
      pageTitle: t(req.locale, 'nav.compliance'),
      nav: 'compliance',
      year,
      prevYear: year - 1,
      nextYear: year + 1,
      minimum: grid.minimum,
      since: grid.since,
      // Administrators set the brigade's since month (the domain says who may).
      sinceLink: services.admin.mayAdminister(p) ? '/admin/brigade' : null,
      months: grid.months.map((m) => ({
        value: m,
        label: t(req.locale, 'compliance.month', { month: Number(m.slice(5)) }),
      })),
      rows: grid.rows.map((row) => ({
        code: row.group.code,
        name: localName(req.locale, row.group),
        met: row.met,
        judged: row.judged,
        cells: row.cells.map((c) => ({
          ...c,
          openFlags: c.flags.filter((f) => f.status === 'open').length,
          link: `/compliance/${row.group.code}/${c.month}`,
        })),
      })),
    });
  });

  r.get('/compliance/:group/:month', async (req, res) => {
    const p = signedIn(req);
    const data = await services.compliance.groupMonth(p, String(req.params.group), String(req.params.month));
    const names = await services.flags.names(p, data.flags);
    res.render('oversight/compliance-month', {
      pageTitle: `${localName(req.locale, data.group)} · ${data.month}`,
      nav: 'compliance',
      groupName: localName(req.locale, data.group),
      month: data.month,
      year: data.month.slice(0, 4),
      minimum: data.minimum,
      // R6: the month's standing as the grid shows it (month-standing.ts).
      status: data.standing.status,
      verdict: t(req.locale, `compliance.verdict_${data.standing.status}`, {
        qualifying: data.standing.qualifying,
        minimum: data.minimum,
        since: data.since,
      }),
      counted: data.result.counted,
      notCounted: data.result.notCounted.map((o) => ({
        ...o,
        why: t(req.locale, `compliance.reason_${o.reason}`, { hours: o.actualHours ?? '—' }),
      })),
      flags: data.flags.map((f) => ({
        id: f.id,
        status: f.status,
        kind: f.kind,
        sentence: flagSentence(f, req.locale, names),
      })),
    });
  });

  return r;
}
