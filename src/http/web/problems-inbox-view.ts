import type { ProblemWork } from '../../domain/problems/problem-inbox.service';

/** The inbox's hard-problem and border-notice sections, as plain values (empty ones left out). */
export function problemInboxView(w: ProblemWork) {
  const problem = (x: ProblemWork['toAccept'][number]) => ({
    id: x.id,
    title: x.title,
    location: x.location,
    state: x.state,
    at: x.reportedAt,
  });
  return {
    sections: [
      {
        key: 'problems_to_accept',
        title: 'hp.inbox_to_accept',
        action: 'ACCEPT',
        label: 'hp.event.ACCEPT',
        problems: w.toAccept.map(problem),
        notices: [],
      },
      {
        key: 'callbacks_due',
        title: 'hp.inbox_callbacks',
        action: 'RECORD_CALLBACK',
        label: 'hp.event.RECORD_CALLBACK',
        problems: w.callbacks.map(problem),
        notices: [],
      },
      {
        key: 'notices_to_act',
        title: 'hp.inbox_notices',
        action: '',
        label: 'bn.title',
        problems: [],
        notices: w.notices.map((n) => ({ id: n.id, location: n.location, what: n.what, at: n.createdAt })),
      },
    ]
      .map((s) => ({ ...s, total: s.problems.length + s.notices.length }))
      .filter((s) => s.total > 0),
  };
}
