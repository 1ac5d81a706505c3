import type { Services } from '../../container';
import { type Locale, t } from '../../i18n';
import type { WorkflowHistory } from '../../persistence/entities';
import { readJson } from '../../persistence/columns';
import { isoInZone } from '../../time';
import { type EvidenceItem, stepEvidence } from './evidence-view';

/**
 * The web's one timeline: a record's history, newest first — what was done,
 * the state it moved from and to, who did it in which role, when (and, for a
 * step the system recorded after the fact, when it was recorded), and the
 * details worth showing. Every record's page renders it with the `timeline`
 * partial; a record names only its words and its details.
 */

export interface TimelineDetail {
  label: string;
  value: string;
}

/** A step's details worth showing (by default its reason). */
export type StepDetails = (payload: Record<string, unknown>, event: string) => TimelineDetail[];

/** The words of a record's timeline: key prefixes of its steps done (`hp.event_done` → `hp.event_done.ACCEPT`) and of its states. */
export interface TimelineWords {
  events: string;
  states: string;
  details?: StepDetails;
}

/** The words of a record whose keys hang off one prefix (`hp` → `hp.event_done.*`, `hp.state.*`). */
export const wordsOf = (prefix: string, details?: StepDetails): TimelineWords => ({
  events: `${prefix}.event_done`,
  states: `${prefix}.state`,
  details,
});

/** The default details: a step's reason, if it gave one. */
export const reasonOnly =
  (locale: Locale): StepDetails =>
  (payload) =>
    typeof payload.reason === 'string' && payload.reason !== ''
      ? [{ label: t(locale, 'field.reason'), value: payload.reason }]
      : [];

/** A time as the timeline shows it: brigade time, to the minute. */
const minute = (d: Date | string, timeZone: string) => isoInZone(new Date(d), timeZone).slice(0, 16).replace('T', ' ');

/** A step the system recorded a minute or more after it took effect (holding's end) shows when it was recorded too. */
const RECORDED_LATE_MS = 60_000;

/** The timeline of a history whose actors are known (`people` names them by id). */
export function timeline(
  history: WorkflowHistory[],
  people: Map<number, { displayName: string }>,
  locale: Locale,
  timeZone: string,
  words: TimelineWords,
  /** Issue 13: the record's evidence by file id; a step shows the photos its payload's `files` name. */
  evidence?: Map<string, EvidenceItem>,
) {
  const details = words.details ?? reasonOnly(locale);
  return history
    .slice()
    .reverse()
    .map((h) => {
      const payload = readJson<Record<string, unknown> | null>(h.payload) ?? {};
      const effective = h.effectiveAt ?? h.at;
      return {
        seq: h.seq,
        event: h.event,
        label: t(locale, `${words.events}.${h.event}`),
        from: h.fromState ? t(locale, `${words.states}.${h.fromState}`) : '',
        to: t(locale, `${words.states}.${h.toState}`),
        changed: h.fromState !== h.toState,
        actor:
          h.actorUserId === null ? t(locale, 'role.system') : (people.get(h.actorUserId)?.displayName ?? h.actorName),
        role: h.actorRole,
        // When it happened; and when it was recorded, for a step the system recorded after the fact.
        at: minute(effective, timeZone),
        recordedAt:
          Math.abs(new Date(h.at).getTime() - new Date(effective).getTime()) >= RECORDED_LATE_MS
            ? minute(h.at, timeZone)
            : null,
        details: details(payload, h.event),
        evidence: stepEvidence(payload, evidence),
      };
    });
}

/** The timeline of a history, its actors looked up by id. */
export async function timelineOf(
  org: Services['org'],
  history: WorkflowHistory[],
  locale: Locale,
  timeZone: string,
  words: TimelineWords,
  evidence?: Map<string, EvidenceItem>,
) {
  const ids = [...new Set(history.map((h) => h.actorUserId).filter((x): x is number => x !== null))];
  const people = new Map((await org.usersByIds(ids)).map((u) => [u.id, u]));
  return timeline(history, people, locale, timeZone, words, evidence);
}
