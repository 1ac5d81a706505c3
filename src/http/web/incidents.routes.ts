import { Router } from 'express';
import { month as monthSchema } from '../schemas/common.schema';
import type { Services } from '../../container';
import { t } from '../../i18n';
import { INCIDENT_SEVERITIES, INCIDENT_TYPES } from '../../../workflows/operation';
import { localName } from '../../i18n/local-name';
import { signedIn } from '../signed-in';

/** /incidents: R11 incidents across operations, with filters. */
export function incidentPages(services: Pick<Services, 'incidents'>): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const p = signedIn(req);
    const q = req.query as Record<string, string | undefined>;
    // A real month within the configured years; anything else is ignored.
    const month = monthSchema.safeParse(q.month).success ? q.month : undefined;
    const [y, mo] = month ? month.split('-').map(Number) : [0, 0];
    const page = await services.incidents.list(p, {
      type: q.type && (INCIDENT_TYPES as readonly string[]).includes(q.type) ? q.type : undefined,
      severity: q.severity && (INCIDENT_SEVERITIES as readonly string[]).includes(q.severity) ? q.severity : undefined,
      from: month ? `${month}-01` : undefined,
      to: month ? `${mo === 12 ? y + 1 : y}-${String(mo === 12 ? 1 : mo + 1).padStart(2, '0')}-01` : undefined,
      cursor: q.cursor || undefined,
      limit: 50,
    });
    const keep = new URLSearchParams(
      Object.entries({ type: q.type, severity: q.severity, month: q.month }).filter(([, v]) => v) as Array<
        [string, string]
      >,
    );
    if (page.nextCursor) keep.set('cursor', page.nextCursor);
    res.render('incidents/list', {
      pageTitle: t(req.locale, 'operation.incidents'),
      nav: 'incidents',
      filters: q,
      types: INCIDENT_TYPES.map((x) => ({ value: x, label: t(req.locale, `incident.${x}`), selected: q.type === x })),
      severities: INCIDENT_SEVERITIES.map((x) => ({
        value: x,
        label: t(req.locale, `severity.${x}`),
        selected: q.severity === x,
      })),
      rows: page.items.map(({ incident: i, operation: o, reporter }) => ({
        ...i,
        operationId: o.id,
        operationYear: o.numberYear,
        operationSeq: o.numberSeq,
        operationTitle: o.title,
        location: o.location,
        group: o.groupId !== null ? localName(req.locale, page.groups.get(o.groupId)) : '',
        reporter: reporter?.displayName ?? '',
      })),
      nextUrl: page.nextCursor ? `/incidents?${keep.toString()}` : null,
    });
  });
  return r;
}
