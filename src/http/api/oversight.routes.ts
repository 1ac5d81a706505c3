import { Router } from 'express';
import type { Services } from '../../container';
import { isoInZone } from '../../time';
import { presentFlag } from '../presenters/flag.presenter';
import { complianceQuery, listFlagsQuery, resolveFlagBody, runJobBody } from '../schemas/oversight.schema';
import { parseInput } from '../validate';
import { idParam } from './params';
import { signedIn } from '../signed-in';

/** /api/v1/flags, /api/v1/compliance, /api/v1/jobs: oversight (SPEC §4, R6). */
export function oversightApi(services: Pick<Services, 'compliance' | 'config' | 'flags' | 'jobs' | 'org'>): Router {
  const r = Router();

  r.get('/flags', async (req, res) => {
    const p = signedIn(req);
    const q = parseInput(listFlagsQuery, req.query);
    const group = q.group ? (await services.org.resolveGroupCode(p.brigadeId, q.group, 'group')).id : undefined;
    const flags = await services.flags.list(p, { ...q, group });
    const names = await services.flags.names(p, flags);
    res.json({ items: flags.map((f) => presentFlag(f, req.locale, p.timeZone, names)) });
  });

  r.get('/flags/:id', async (req, res) => {
    const p = signedIn(req);
    const flag = await services.flags.get(p, idParam(req.params.id));
    res.json(presentFlag(flag, req.locale, p.timeZone, await services.flags.names(p, [flag])));
  });

  r.post('/flags/:id/resolve', async (req, res) => {
    const p = signedIn(req);
    const { note } = parseInput(resolveFlagBody, req.body);
    const flag = await services.flags.resolve(p, idParam(req.params.id), note);
    res.json(presentFlag(flag, req.locale, p.timeZone, await services.flags.names(p, [flag])));
  });

  r.get('/compliance', async (req, res) => {
    const p = signedIn(req);
    const { year } = parseInput(complianceQuery, req.query);
    const grid = await services.compliance.year(p, year);
    res.json({
      year,
      minimum: grid.minimum,
      since: grid.since,
      months: grid.months,
      groups: grid.rows.map((row) => ({
        group: row.group.code,
        met: row.met,
        judged: row.judged,
        months: row.cells.map((c) => ({
          month: c.month,
          qualifying: c.qualifying,
          notCounting: c.notCounting,
          status: c.status,
          flags: c.flags,
        })),
      })),
    });
  });

  r.get('/compliance/:group/:month', async (req, res) => {
    const p = signedIn(req);
    const { group, month, minimum, since, standing, result, flags } = await services.compliance.groupMonth(
      p,
      String(req.params.group),
      String(req.params.month),
    );
    const op = (o: {
      id: number;
      title: string;
      kind: string;
      state: string;
      actualStart: Date | null;
      actualHours: number | null;
    }) => ({
      id: o.id,
      title: o.title,
      kind: o.kind,
      state: o.state,
      actualStart: o.actualStart ? isoInZone(o.actualStart, p.timeZone) : null,
      actualHours: o.actualHours,
    });
    const names = await services.flags.names(p, flags);
    res.json({
      group: group.code,
      month,
      minimum,
      since,
      // R6: the month's standing, as the compliance grid shows it (month-standing.ts).
      qualifying: standing.qualifying,
      status: standing.status,
      met: standing.status === 'met',
      counted: result.counted.map(op),
      notCounted: result.notCounted.map((o) => ({ ...op(o), reason: o.reason })),
      flags: flags.map((f) => presentFlag(f, req.locale, p.timeZone, names)),
    });
  });

  // The oversight jobs and the caller's brigade's part of their runs; a run by hand works on that brigade only (issue 11, finding 4).
  r.get('/jobs', async (req, res) => {
    const p = signedIn(req);
    const recent = await services.jobs.recentFor(p, 100);
    const at = (d: Date | null) => (d ? isoInZone(d, p.timeZone) : null);
    res.json({
      items: services.jobs.brigadeJobs.map((j) => ({
        name: j.name,
        rule: j.description,
        schedule: services.config.jobs.schedules[j.name] ?? null,
      })),
      runs: recent.map((r) => ({
        id: r.id,
        job: r.job,
        period: r.period,
        via: r.via,
        instance: r.instance,
        attempt: r.attempt,
        status: r.status,
        found: r.found,
        did: r.did,
        startedAt: at(r.startedAt),
        finishedAt: at(r.finishedAt),
        error: r.error,
        summary: r.summary,
      })),
    });
  });

  r.post('/jobs/:name/run', async (req, res) => {
    const p = signedIn(req);
    services.jobs.assertMayRun(p);
    const { period } = parseInput(runJobBody, req.body ?? {});
    const { id } = await services.jobs.run(String(req.params.name), { via: 'manual', period, by: p });
    const run = await services.jobs.runView(p, id);
    res.json({
      id: run.id,
      job: run.job,
      period: run.period,
      status: run.status,
      found: run.found,
      did: run.did,
      error: run.error,
      summary: run.summary,
    });
  });

  return r;
}
