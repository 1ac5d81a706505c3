import { hostname } from 'node:os';
import type { Config } from '../config';
import type { Clock } from './clock';
import { OperationService } from './domain/operations/operation.service';
import { operationWorkflow } from './domain/operations/operation.workflow';
import { OrgService } from './domain/org/org.service';
import { AdminService } from './domain/org/admin.service';
import { SignInService } from './domain/auth/sign-in.service';
import { InboxService } from './domain/inbox/inbox.service';
import { WorkflowEngine } from './engine/engine';
import type { Logger } from './logger';
import type { Principal } from './domain/org/org.service';
import type { Database } from './persistence/data-source';
import { DatabaseSessionStore } from './persistence/session-store';
import { FlagService } from './domain/oversight/flag.service';
import { ComplianceService } from './domain/oversight/compliance.service';
import { IncidentService } from './domain/incidents/incident.service';
import { FiguresService } from './domain/figures/figures.service';
import { JobRunner } from './jobs/job-runner';
import { JOBS } from './jobs';
import { NotificationService } from './domain/notifications/notification.service';
import { OutboxWorker } from './domain/notifications/outbox.worker';
import { InAppTransport } from './domain/notifications/in-app.transport';
import type { NotificationTransport } from './domain/notifications/notification.transport';
import { GroupPlanService } from './domain/plans/group-plan.service';
import { groupPlanWorkflow } from './domain/plans/group-plan.workflow';
import { MeetingService } from './domain/meetings/meeting.service';
import { meetingWorkflow } from './domain/meetings/meeting.workflow';
import { DutyService } from './domain/inbox/duties.service';
import { HardProblemService } from './domain/problems/hard-problem.service';
import { hardProblemWorkflow } from './domain/problems/hard-problem.workflow';
import { BorderNoticeService } from './domain/problems/border-notice.service';
import { borderNoticeWorkflow } from './domain/problems/border-notice.workflow';
import { ProblemInboxService } from './domain/problems/problem-inbox.service';
import { GoodsService } from './domain/goods/goods.service';
import { goodsWorkflow } from './domain/goods/goods.workflow';
import { CaseService } from './domain/cases/case.service';
import { caseTransferWorkflow } from './domain/cases/case-transfer.workflow';
import { HistoryService } from './domain/history/history.service';
import { ApiTokenService } from './domain/auth/api-token.service';
import { IdempotencyStore } from './persistence/idempotency-store';
import { carriesFiles, FilesService } from './domain/files/files.service';
import { fileStorage } from './domain/files/file-storage';
import { ForbiddenError } from './errors';
import type { WorkflowDefinition } from './engine/workflow-definition';
import { eventOutcome, Metrics } from './metrics/metrics';

/** The application's parts, wired once: the server, the CLI and the tests all build it here. */
export interface Services {
  config: Readonly<Config>;
  db: Database;
  clock: Clock;
  logger: Logger;
  engine: WorkflowEngine;
  org: OrgService;
  admin: AdminService;
  /** Web sessions, kept in the database; ended by the domain when a user is disabled or their password reset. */
  sessions: DatabaseSessionStore;
  operations: OperationService;
  signIn: SignInService;
  inbox: InboxService;
  flags: FlagService;
  compliance: ComplianceService;
  /** R11: incidents across operations. */
  incidents: IncidentService;
  /** SPEC §5: figures, their definitions and the records behind them. */
  figures: FiguresService;
  /** The jobs (src/jobs/) and their run log. */
  jobs: JobRunner;
  workflows: {
    operation: ReturnType<typeof operationWorkflow>;
    groupPlan: ReturnType<typeof groupPlanWorkflow>;
    meeting: ReturnType<typeof meetingWorkflow>;
  };
  /** R5: monthly group plans. */
  groupPlans: GroupPlanService;
  /** R9: group meetings (with the convener rotation) and the HQ's summary meetings. */
  meetings: MeetingService;
  /** What the calendar asks of a user (R5, R9), shown in the inbox. */
  duties: DutyService;
  /** A person's notifications: the bell, the list, marking read. */
  notifications: NotificationService;
  /** Delivers the outbox through the transports (the `outbox` job; after each command in the server). */
  outbox: OutboxWorker;
  /** SPEC §3.4, R7: hard problems (难点顽症). */
  problems: HardProblemService;
  /** R8: border notifications (信息告知). */
  borderNotices: BorderNoticeService;
  /** What waits for a user among hard problems and border notices (the inbox). */
  problemInbox: ProblemInboxService;
  /** The workflows added beside `workflows` (kept apart so areas merge without touching one line). */
  problemWorkflows: {
    hardProblem: ReturnType<typeof hardProblemWorkflow>;
    borderNotice: ReturnType<typeof borderNoticeWorkflow>;
  };
  /** R13: detained goods, their custody, limits and ledgers. */
  goods: GoodsService;
  goodsWorkflow: ReturnType<typeof goodsWorkflow>;
  /** R10: the light case register and case transfers (with the engine's workflow for them). */
  cases: CaseService;
  caseTransferWorkflow: ReturnType<typeof caseTransferWorkflow>;
  /** The tamper-evident history: verifying its hash chains, the daily anchors. */
  historyChain: HistoryService;
  /** API tokens: the list of one's own (an administrator: the brigade's) and revocation. */
  apiTokens: ApiTokenService;
  /** Issue 13: each user's Idempotency-Keys and the answers kept for them. */
  idempotency: IdempotencyStore;
  /** Issue 13: evidence files (photos, PDFs), their store and what they are attached to. */
  files: FilesService;
  /** Issue 15: this instance's Prometheus metrics (a registry of its own), served at /metrics with a token. */
  metrics: Metrics;
}

export function createServices(config: Readonly<Config>, db: Database, clock: Clock, logger: Logger): Services {
  const engine = new WorkflowEngine(db, clock);
  const metrics = new Metrics({ db, clock, logger });
  metrics.countDatabaseEvents(db.events);
  engine.onEvent((workflow, event, error) =>
    metrics.workflowEvent(workflow, event, error === null ? 'ok' : eventOutcome(error)),
  );
  engine.onCopy((workflow, outcome) => metrics.recordCopies.inc({ workflow, outcome }));
  const org = new OrgService(db, config, clock);
  org.onPrincipalReuse((outcome) => metrics.principalReuse.inc({ outcome }));
  const workflows = {
    operation: operationWorkflow(config),
    groupPlan: groupPlanWorkflow(config),
    meeting: meetingWorkflow(),
  };
  const operations = new OperationService(db, engine, org, workflows.operation, config, clock);
  const signIn = new SignInService(db, org, config, clock);
  const inbox = new InboxService(db, clock);
  const sessions = new DatabaseSessionStore(
    db,
    clock,
    config.web.sessionIdleMinutes * 60_000,
    config.auth.sessionMaxHours * 3_600_000,
  );
  const admin = new AdminService(db, config, clock, org, sessions);
  const flags = new FlagService(db, clock);
  const notifications = new NotificationService(db, clock);
  // More transports (e-mail, SMS) go in this list; the domain does not change.
  const transports: NotificationTransport[] = [new InAppTransport(db)];
  const outbox = new OutboxWorker(
    db,
    clock,
    config.notifications,
    logger,
    transports,
    config.jobs.instanceName ?? `${hostname()}:${process.pid}`,
  );
  engine.onOutboxCommitted(() => outbox.kick());
  const compliance = new ComplianceService(db, config, clock);
  const groupPlans = new GroupPlanService(db, engine, org, workflows.groupPlan, config, clock);
  const meetings = new MeetingService(db, engine, org, workflows.meeting, clock);
  const duties = new DutyService(db, clock, config, meetings);
  const incidents = new IncidentService(db);
  const figures = new FiguresService(db, config, clock);
  const services = {
    config,
    db,
    clock,
    logger,
    engine,
    org,
    admin,
    sessions,
    operations,
    signIn,
    inbox,
    flags,
    compliance,
    incidents,
    figures,
    workflows,
    notifications,
    outbox,
    groupPlans,
    meetings,
    duties,
    metrics,
  } as Omit<Services, 'jobs' | 'problems' | 'borderNotices' | 'problemWorkflows' | 'problemInbox'> as Services;
  const problemWorkflows = { hardProblem: hardProblemWorkflow(config), borderNotice: borderNoticeWorkflow() };
  services.problemWorkflows = problemWorkflows;
  services.problems = new HardProblemService(db, engine, org, problemWorkflows.hardProblem, config, clock);
  // R12, §3.4: a rebound seen in a holding check reopens the operation's hard problem in the check's own transaction.
  operations.reportRebound = async (m, actor, problemId, note) => {
    await services.problems.send(actor, problemId, { type: 'REBOUND', origin: 'holding', note }, { tx: m });
  };
  services.borderNotices = new BorderNoticeService(
    db,
    engine,
    org,
    problemWorkflows.borderNotice,
    services.problems,
    operations,
    clock,
    config.files.takenLongBeforeHours,
  );
  services.problemInbox = new ProblemInboxService(db);
  services.goodsWorkflow = goodsWorkflow(config);
  services.goods = new GoodsService(db, engine, org, services.goodsWorkflow, config, clock);
  services.caseTransferWorkflow = caseTransferWorkflow(config);
  services.cases = new CaseService(db, engine, org, services.caseTransferWorkflow, config, clock);
  services.historyChain = new HistoryService(db, clock, config);
  services.apiTokens = new ApiTokenService(db, clock);
  services.idempotency = new IdempotencyStore(db, clock, config.idempotency);
  services.files = wireFiles(services, config, db, clock);
  services.jobs = new JobRunner(services, JOBS);
  // R6: a brigade's `since` moved over months that have ended: the monthly-minimum job judges them again (flags raised or resolved by data).
  // That brigade's months only: another brigade's standing is none of its administrator's doing (issue 11, finding 4).
  admin.onSinceChanged(async ({ brigadeId, months, by }) => {
    for (const period of months)
      await services.jobs.run('monthly-minimum', { via: 'since', period, brigadeId, triggeredBy: by });
  });
  return services;
}

/**
 * Issue 13: evidence files. Each kind of record is read as its own service
 * reads it (a file is readable where its record is), and the engine attaches
 * a step's `files` in the step's transaction.
 */
function wireFiles(services: Services, config: Readonly<Config>, db: Database, clock: Clock): FilesService {
  const files = new FilesService(db, fileStorage(config), config, clock);
  const { engine } = services;
  // A workflow's record as the engine reads it: 404 outside the brigade, and the workflow's own read rule.
  const readsWorkflow = (def: WorkflowDefinition) => async (p: Principal, id: number) => {
    const loaded = await engine.load(db.manager, def, id, p);
    const read = def.mayRead?.(p, loaded.context);
    if (read && !read.ok) throw new ForbiddenError(`You may not read ${def.name} ${id}`, read.reason);
  };
  const readsOperation = readsWorkflow(services.workflows.operation);
  files.readers.operation = readsOperation;
  files.readers.incident = async (p, id) => readsOperation(p, await files.operationOfIncident(p.brigadeId, id));
  // The hotline feed reads only the problems it reported (problem.policy.ts): the problem's own read decides.
  files.readers.problem = (p, id) => services.problems.get(p, id);
  files.readers.border_notice = readsWorkflow(services.problemWorkflows.borderNotice);
  files.readers.goods = readsWorkflow(services.goodsWorkflow);
  files.readers.transfer = readsWorkflow(services.caseTransferWorkflow);
  engine.onStep(files.onStep, (_workflow, payload) => carriesFiles(payload));
  return files;
}
