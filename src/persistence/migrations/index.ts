import { Organisation1795741200000 } from './20261127T0100-organisation';
import { WorkflowsAndOperations1795744800000 } from './20261127T0200-workflows-and-operations';
import { WebSessionsAndInboxes1795816800000 } from './20261127T2200-web-sessions-and-inboxes';
import { InboxIndexes1795820400000 } from './20261127T2300-inbox-indexes';
import { OperationsByGroupAndState1795822200000 } from './20261127T2330-operations-by-group-and-state';
import { JobsAndFlags1795827600000 } from './20261128T0100-jobs-and-flags';
import { Notifications1795858200000 } from './20261128T0930-notifications';
import { GroupPlansAndMeetings1795914000000 } from './20261129T0100-group-plans-and-meetings';
import { Figures1796086800000 } from './20261201T0100-figures';
import { HardProblems1796173200000 } from './20261202T0100-hard-problems';
import { CaseTransfers1796176800000 } from './20261202T0200-case-transfers';
import { DetainedGoods1796180400000 } from './20261202T0300-detained-goods';
import { HistoryEffectiveAt1796518800000 } from './20261206T0100-history-effective-at';
import { RecordNumbersAndAccounts1796519400000 } from './20261206T0110-record-numbers-and-accounts';
import { HistoryHashChain1796522400000 } from './20261206T0200-history-hash-chain';
import { HardProblemResolutions1796526000000 } from './20261206T0300-hard-problem-resolutions';
import { MergedProblemsHandOverPlans1796526060000 } from './20261206T0301-merged-problems-hand-over-plans';
import { CurrentResolutionOnly1796526120000 } from './20261206T0302-current-resolution-only';
import { BrigadeSince1796529600000 } from './20261206T0400-brigade-since';
import { ApiTokenExpiry1796533200000 } from './20261206T0500-api-token-expiry';
import { JobRunBrigades1796536800000 } from './20261206T0600-job-run-brigades';
import { CorrectionsForEditedMigrations1796605200000 } from './20261207T0100-corrections-for-edited-migrations';
import { EvidenceFiles1796691600000 } from './20261208T0100-evidence-files';
import { IdempotencyKeys1796695200000 } from './20261208T0200-idempotency-keys';
import { OperationDwell1796778000000 } from './20261209T0100-operation-dwell';
import { HistoryAttempt1796864400000 } from './20261210T0100-history-attempt';
import { InstanceOpenDeadlines1796950800000 } from './20261211T0100-instance-open-deadlines';
import { PrincipalVersion1797037200000 } from './20261212T0100-principal-version';

/** Every migration, oldest first. Never edit one that has landed: add a new one. */
export const MIGRATIONS = [
  Organisation1795741200000,
  WorkflowsAndOperations1795744800000,
  WebSessionsAndInboxes1795816800000,
  InboxIndexes1795820400000,
  OperationsByGroupAndState1795822200000,
  JobsAndFlags1795827600000,
  Notifications1795858200000,
  GroupPlansAndMeetings1795914000000,
  Figures1796086800000,
  HardProblems1796173200000,
  CaseTransfers1796176800000,
  DetainedGoods1796180400000,
  HistoryEffectiveAt1796518800000,
  RecordNumbersAndAccounts1796519400000,
  HistoryHashChain1796522400000,
  HardProblemResolutions1796526000000,
  MergedProblemsHandOverPlans1796526060000,
  CurrentResolutionOnly1796526120000,
  BrigadeSince1796529600000,
  ApiTokenExpiry1796533200000,
  JobRunBrigades1796536800000,
  CorrectionsForEditedMigrations1796605200000,
  EvidenceFiles1796691600000,
  IdempotencyKeys1796695200000,
  OperationDwell1796778000000,
  HistoryAttempt1796864400000,
  InstanceOpenDeadlines1796950800000,
  PrincipalVersion1797037200000,
];
