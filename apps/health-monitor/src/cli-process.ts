/**
 * The process edge, loaded by `cli.ts` (after its start-up tuning): with `cli.ts`, the only module that reads
 * `process` (argv, env, signals) and the host (/proc, hostname).
 */
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { idsFromCgroup, idsFromMountinfo, selfMatcher } from "./autoheal/self.js";
import { main } from "./cli-main.js";
import { createDockerEngine } from "./docker/engine.js";
import { createLogger } from "./log.js";

const readOr = (path: string): string => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return ""; // not on Linux or not readable: the hostname fallback still applies
  }
};

const shutdown = new AbortController();
for (const sig of ["SIGTERM", "SIGINT"] as const) process.once(sig, () => shutdown.abort());

const selfIds = [...idsFromCgroup(readOr("/proc/self/cgroup")), ...idsFromMountinfo(readOr("/proc/self/mountinfo"))];

main({
  argv: process.argv.slice(2),
  env: process.env,
  io: { out: (s) => void process.stdout.write(s), err: (s) => void process.stderr.write(s) },
  createEngine: (endpoint) => createDockerEngine(endpoint),
  createLog: createLogger,
  isSelf: selfMatcher(selfIds, hostname()),
  shutdown: shutdown.signal,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`health-monitor: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
