/** Package version of the aiops-agent app, read from its package.json at build time. */
export const VERSION = "0.1.0";

export * from "./detect/index.js";
export * from "./nab/index.js";
