/** Package version of the health-monitor app (kept in step with package.json; a test checks it). */
export const VERSION = "0.1.0";
