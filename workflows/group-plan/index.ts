export * from './group-plan.types';
export * from './group-plan.rules';
export { groupPlanMachine, GROUP_PLAN_MACHINE_VERSION } from './group-plan.machine';
