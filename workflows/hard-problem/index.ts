export * from './hard-problem.types';
export * from './hard-problem.rules';
export { hardProblemMachine, HARD_PROBLEM_MACHINE_VERSION } from './hard-problem.machine';
export { HARD_PROBLEM_SNAPSHOT_MIGRATIONS } from './hard-problem.migrations';
