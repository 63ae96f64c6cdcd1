/**
 * Starts a throw-away `redis-server` (Debian package `redis-server`) on a unix socket in a temp dir, with no
 * persistence, for the Redis buffer tests. Missing binary: the suite skips outside CI and fails under CI=true.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

function findTool(name: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? "").split(delimiter), "/usr/bin", "/usr/sbin", "/usr/local/bin"]) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** Path of redis-server, or undefined. */
export const REDIS_SERVER = findTool("redis-server");
/** Skip the Redis suites only when redis-server is missing and we are not in CI. */
export const SKIP_REDIS = REDIS_SERVER === undefined && process.env.CI !== "true";

/** A running test server. */
export interface TestRedis {
  /** `unix:///…/redis.sock` */
  readonly url: string;
  readonly socket: string;
  stop(): Promise<void>;
}

/**
 * Starts redis-server and waits until it accepts connections.
 *
 * @throws if the binary is missing (under CI) or the server does not become ready within 10 s.
 */
export async function startRedis(): Promise<TestRedis> {
  if (REDIS_SERVER === undefined) throw new Error("redis-server not found: apt-get install -y --no-install-recommends redis-server");
  const dir = await mkdtemp(join(tmpdir(), "buffer-redis-"));
  const socket = join(dir, "redis.sock");
  const args = ["--port", "0", "--unixsocket", socket, "--unixsocketperm", "700", "--save", "", "--appendonly", "no", "--dir", dir];
  const child: ChildProcess = spawn(REDIS_SERVER, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`redis-server not ready after 10 s:\n${output}`));
    }, 10_000);
    const onData = (d: Buffer): void => {
      output += d.toString();
      // "Ready to accept connections" (TCP) or "…ready to accept connections at <socket>" (unix socket only).
      if (/ready to accept connections/i.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${output}`));
    });
  });
  return {
    url: `unix://${socket}`,
    socket,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
