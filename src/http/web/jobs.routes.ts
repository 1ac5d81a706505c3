import { type Request, Router } from 'express';
import type { Services } from '../../container';
import { AppError } from '../../errors';
import { DICTIONARIES, type Locale, describeFieldProblem, t } from '../../i18n';
import type { BrigadeRunView } from '../../jobs/job-runner';
import { runJobBody } from '../schemas/oversight.schema';
import { parseInput } from '../validate';
import { signedIn } from '../signed-in';

/** How far back the routine runs are counted on the page (one day of a job every 15 minutes is 96 runs). */
const ROUTINE_WINDOW_HOURS = 24;

/** A job's name in the user's language (`job.<name>`; every job in src/jobs has one, a test checks). */
export function jobTitle(locale: Locale, name: string): string {
  return t(locale, `job.${name}`);
}

/** One line of a run's details: what (in words) and how many. */
export interface DetailLine {
  label: string;
  value: string;
}

/**
 * A brigade's part of a run's summary (plain facts the job logged) as a few readable lines:
 * each fact named in the user's language (`job_detail.<key>`, or a flag kind, or a time limit), zeros
 * and empty lists left out, a nested part (a month, a kind) read as one line. Never raw JSON.
 */
export function runDetails(locale: Locale, facts: unknown): DetailLine[] {
  if (!isObject(facts)) return [];
  const lines: DetailLine[] = [];
  for (const [key, value] of Object.entries(facts)) {
    if (isObject(value)) {
      const inner = Object.entries(value)
        .map(([k, v]) => factText(locale, k, v))
        .filter((x): x is string => x !== null);
      if (inner.length) lines.push({ label: factLabel(locale, key), value: inner.join(locale === 'en' ? '; ' : '；') });
      continue;
    }
    const text = valueText(locale, key, value);
    if (text !== null) lines.push({ label: factLabel(locale, key), value: text });
  }
  return lines;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A fact's name: its own words, a flag kind's, a time limit's; a month as it is; the early-warning part of a month named. */
function factLabel(locale: Locale, key: string): string {
  const early = /^(\d{4}-\d{2}) \(early warning\)$/.exec(key);
  if (early) return `${early[1]} · ${t(locale, 'flag_kind.early_warning')}`;
  for (const prefix of ['job_detail.', 'flag_kind.', 'limit.']) {
    if (DICTIONARIES['zh-CN'][`${prefix}${key}`]) return t(locale, `${prefix}${key}`);
  }
  return key;
}

function valueText(locale: Locale, key: string, value: unknown): string | null {
  if (value === null || value === undefined || value === 0 || value === false || value === '') return null;
  if (Array.isArray(value))
    return value.length
      ? value.map((v) => (isObject(v) ? Object.values(v).join(' ') : String(v))).join(locale === 'en' ? ', ' : '、')
      : null;
  if (value === true) return t(locale, 'common.yes');
  // A digest is proof, not reading: its first characters identify it.
  if (key === 'digest' && typeof value === 'string' && value.length > 16) return `${value.slice(0, 12)}…`;
  return typeof value === 'number' ? value.toLocaleString(locale) : String(value);
}

function factText(locale: Locale, key: string, value: unknown): string | null {
  if (isObject(value)) {
    const inner = Object.entries(value)
      .map(([k, v]) => factText(locale, k, v))
      .filter((x): x is string => x !== null);
    if (!inner.length) return null;
    return locale === 'en'
      ? `${factLabel(locale, key)} (${inner.join(', ')})`
      : `${factLabel(locale, key)}（${inner.join('，')}）`;
  }
  const text = valueText(locale, key, value);
  return text === null ? null : `${factLabel(locale, key)} ${text}`;
}

/** A run for the page: its job's name in words, its details as lines (the brigade's view keeps its part under its code). */
function presentRun(req: Request, r: BrigadeRunView) {
  return {
    ...r,
    title: jobTitle(req.locale, r.job),
    details: r.error ? [] : runDetails(req.locale, r.summary[signedIn(req).brigadeCode]),
  };
}

/** The oversight jobs and the signed-in manager's brigade's part of their runs, routine runs folded (issue 12). */
export function jobsPages(services: Pick<Services, 'jobs' | 'clock' | 'config'>): Router {
  const r = Router();

  const jobsView = async (req: Request, extra: Record<string, unknown> = {}) => {
    const now = services.clock.now();
    const log = await services.jobs.foldedLogFor(signedIn(req), {
      since: new Date(now.getTime() - ROUTINE_WINDOW_HOURS * 3_600_000),
      limit: 60,
      latest: 5,
    });
    const lastOf = (name: string) => {
      const seen = [
        ...log.runs.filter((x) => x.job === name),
        ...(log.routine.find((x) => x.job === name)?.latest ?? []),
      ];
      return seen.sort((a, b) => b.id - a.id)[0];
    };
    return {
      pageTitle: t(req.locale, 'nav.jobs'),
      nav: 'jobs',
      jobs: services.jobs.brigadeJobs.map((j) => ({
        name: j.name,
        // The rule a job serves is for the tooltip; the page says in words what it checks.
        rule: j.description,
        what: t(req.locale, `job_what.${j.name}`),
        title: jobTitle(req.locale, j.name),
        schedule: services.config.jobs.schedules[j.name] ?? '',
        last: lastOf(j.name),
      })),
      routine: log.routine.map((x) => ({
        job: x.job,
        line: t(req.locale, 'jobs.routine', {
          job: jobTitle(req.locale, x.job),
          hours: ROUTINE_WINDOW_HOURS,
          count: x.count.toLocaleString(req.locale),
        }),
        latest: x.latest.map((run) => presentRun(req, run)),
      })),
      runs: log.runs.map((run) => presentRun(req, run)),
      ...extra,
    };
  };

  r.get('/jobs', async (req, res) => {
    res.render('oversight/jobs', await jobsView(req));
  });

  r.post('/jobs/:name/run', async (req, res) => {
    services.jobs.assertMayRun(signedIn(req));
    try {
      const { period } = parseInput(runJobBody, req.body?.period ? { period: String(req.body.period) } : {});
      const run = await services.jobs.run(String(req.params.name), { via: 'manual', period, by: signedIn(req) });
      const text = t(req.locale, `job_run.${run.status}`, {
        job: jobTitle(req.locale, run.job),
        found: run.found,
        did: run.did,
      });
      res.render(
        'oversight/jobs',
        await jobsView(req, { flash: { kind: run.status === 'ok' ? 'ok' : 'error', text } }),
      );
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500) throw e;
      const text =
        Object.values(e.fields)
          .map((v) => describeFieldProblem(req.locale, v))
          .join(' ') || t(req.locale, `error.${e.code}`);
      res.status(e.status).render('oversight/jobs', await jobsView(req, { flash: { kind: 'error', text } }));
    }
  });

  return r;
}
