export * from './actor';
export * from './problem';
export * from './time';
export * from './org';
