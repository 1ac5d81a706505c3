export * from './meeting.types';
export * from './meeting.rules';
export * from './meeting.rotation';
export { meetingMachine, MEETING_MACHINE_VERSION } from './meeting.machine';
