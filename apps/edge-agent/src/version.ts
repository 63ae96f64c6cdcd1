/**
 * The package version, in its own module so the CLI can print it without loading the whole library barrel
 * (`index.ts` pulls in the AWS SDK, ioredis, systeminformation…).
 * @module
 */

/** Package version of the edge-agent app. */
export const VERSION = "0.1.0";
