import { Router } from 'express';
import { dateOrDateTime } from '../schemas/common.schema';
import { z } from 'zod';
import type { IncidentService } from '../../domain/incidents/incident.service';
import { INCIDENT_SEVERITIES, INCIDENT_TYPES } from '../../../workflows/operation';
import { isoInZone } from '../../time';
import { parseInput } from '../validate';
import { signedIn } from '../signed-in';

export const listIncidentsQuery = z.strictObject({
  type: z.enum(INCIDENT_TYPES).optional(),
  severity: z.enum(INCIDENT_SEVERITIES).optional(),
  group: z.string().min(1).max(40).optional(),
  from: dateOrDateTime.optional().describe('Occurred on or after (a date is midnight, brigade time)'),
  to: dateOrDateTime.optional().describe('Occurred before'),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

/** GET /api/v1/incidents: R11 incidents across operations, newest first. */
export function incidentsApi(incidents: IncidentService): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const p = signedIn(req);
    const page = await incidents.list(p, parseInput(listIncidentsQuery, req.query));
    res.json({
      items: page.items.map(({ incident: i, operation: o, reporter }) => ({
        id: i.id,
        operation: {
          id: o.id,
          title: o.title,
          state: o.state,
          group: o.groupId !== null ? (page.groups.get(o.groupId)?.code ?? null) : null,
        },
        incidentType: i.type,
        severity: i.severity,
        occurredAt: isoInZone(i.occurredAt, p.timeZone),
        injuries: i.injuries,
        description: i.description,
        response: i.response,
        informed: i.informed,
        reportedBy: reporter?.username ?? null,
      })),
      nextCursor: page.nextCursor,
    });
  });
  return r;
}
