/** Package version of the aiops-agent app, read from its package.json at build time. */
export const VERSION = "0.1.0";

export * from "./detect/index.js";
export * from "./nab/index.js";
export * from "./alert/index.js";
export * from "./collect/index.js";
export * from "./service/index.js";
export { runAgent, RunOptionError, MIN_INTERVAL_MS, type RunOptions, type RunIo } from "./commands/run/run.js";
