/** Package version of the health-monitor app, read from its package.json at build time. */
export const VERSION = "0.1.0";
