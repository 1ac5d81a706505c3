import { Organisation1795741200000 } from './20261127T0100-organisation';
import { WorkflowsAndOperations1795744800000 } from './20261127T0200-workflows-and-operations';

/** Every migration, oldest first. Never edit one that has landed: add a new one. */
export const MIGRATIONS = [Organisation1795741200000, WorkflowsAndOperations1795744800000];
