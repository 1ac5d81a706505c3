// The browser project's timeout (jest.config.js): a real server, a real browser and several users in turn.
// Jest takes `testTimeout` from the global config only, so the project sets its own here.
jest.setTimeout(120_000);
