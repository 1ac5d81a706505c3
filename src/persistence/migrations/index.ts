import { Organisation1795741200000 } from './20261127T0100-organisation';
import { WorkflowsAndOperations1795744800000 } from './20261127T0200-workflows-and-operations';
import { WebSessionsAndInboxes1795816800000 } from './20261127T2200-web-sessions-and-inboxes';
import { InboxIndexes1795820400000 } from './20261127T2300-inbox-indexes';
import { OperationsByGroupAndState1795822200000 } from './20261127T2330-operations-by-group-and-state';

/** Every migration, oldest first. Never edit one that has landed: add a new one. */
export const MIGRATIONS = [
  Organisation1795741200000,
  WorkflowsAndOperations1795744800000,
  WebSessionsAndInboxes1795816800000,
  InboxIndexes1795820400000,
  OperationsByGroupAndState1795822200000,
];
