// SIGKILL at random points, then restart — the built CLI as a child process (dist/cli.js, built by
// `pnpm --filter edge-agent build`, which turbo runs before the tests), against the _bulk test double.
//
// A writer stands in for Suricata: it appends a stream of real EVE lines (made unique, with malformed, truncated and
// glued records mixed in) in chunks that cut lines anywhere, and rotates the file — rename and copytruncate — while
// the agent runs and while it is down. Each agent life is killed with SIGKILL at a random moment (seeded PRNG; the
// seed and the schedule are printed, EDGE_KILL_SEED=<n> replays a schedule), ≥ 20 times; then the agent runs until
// it has caught up and is stopped with SIGTERM. The sink must then hold every valid event exactly once by _id (it
// stores documents by index/_id, so a replay overwrites: overwrites are fine, a missing or an extra _id is not), and
// the dead-letter file every malformed record.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { checkpointPathFor } from "../../src/config-map.js";
import { parseDeadLetter } from "../../src/ship/dead-letter.js";
import { BulkTestServer } from "../support/bulk-server.js";
import { fixtureLines, VALID_FIXTURES } from "../support/fixtures.js";
import { buildStream, EveWriter, listing, malformedRaws, seededRandom } from "./eve-writer.js";
import { expectedKeys, waitFor } from "./harness.js";

const cli = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));
const KILLS = 24;
/** Rotations while the agent runs (at a random moment before the kill) and while it is down, by iteration. */
const ROTATE_RUNNING: Record<number, "rename" | "copytruncate"> = { 2: "rename", 5: "copytruncate", 8: "rename", 11: "copytruncate", 14: "rename", 17: "copytruncate", 20: "rename", 22: "copytruncate" };
const ROTATE_DOWN: Record<number, ("rename" | "copytruncate")[]> = { 6: ["rename"], 9: ["copytruncate"], 12: ["rename", "copytruncate"], 18: ["copytruncate", "rename"] };

/** EDGE_KILL_KEEP=1 keeps the temp directory (files, checkpoints, dead-letter, each life's log) for a post-mortem. */
const keep = process.env["EDGE_KILL_KEEP"] === "1";
let dir: string;
let server: BulkTestServer;
const children = new Set<ChildProcess>();
beforeAll(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`pnpm --filter edge-agent build\` first`);
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "edge-kill-"));
  server = await BulkTestServer.start({ seed: 5 });
});
afterEach(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL"); // a failed test's agent
  children.clear();
  await server.close();
  if (keep) console.info(`kill-restart: kept ${dir}`);
  else await rm(dir, { recursive: true, force: true });
});

interface Life {
  readonly child: ChildProcess;
  /** What it wrote to stderr so far. */
  readonly stderr: () => string;
  readonly exit: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>;
}

function start(args: string[]): Life {
  const child = spawn(process.execPath, [cli, "run", "--config", join(dir, "soc.yaml"), ...args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
  const exit = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, exit, stderr: () => stderr };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** pino records at level error (50) or above. */
const errorLogs = (stderr: string): string[] => stderr.split("\n").filter((l) => /"level":(5\d|60)\b/.test(l));

async function deadLettered(path: string): Promise<{ parse: Set<string>; other: string[] }> {
  const text = existsSync(path) ? await readFile(path, "utf8") : "";
  const parse = new Set<string>();
  const other: string[] = [];
  for (const line of text.split("\n")) {
    if (!line) continue;
    const e = parseDeadLetter(line); // throws on a torn or foreign line
    if (e.stage === "parse") parse.add(e.raw.toString("base64"));
    else other.push(line);
  }
  return { parse, other };
}

describe("edge-agent run (built CLI) killed with SIGKILL at random points", { timeout: 180_000 }, () => {
  it(`restarted ${KILLS} times across rotations: every valid event exactly once by _id, every malformed line dead-lettered`, async () => {
    const seed = Number(process.env["EDGE_KILL_SEED"] ?? Math.floor(Math.random() * 2 ** 31));
    const rnd = seededRandom(seed);
    const log: string[] = [`seed ${seed} (replay: EDGE_KILL_SEED=${seed})`];
    console.info(`kill-restart: ${log[0]}`);

    const valid = VALID_FIXTURES.flatMap((f) => fixtureLines(f));
    const lines = buildStream(valid, fixtureLines("malformed-fixtures.json"), 4, rnd);
    const stream = Buffer.concat(lines);
    const expected = expectedKeys(stream);
    const malformed = malformedRaws(stream);
    expect(malformed.size).toBeGreaterThan(50);
    const path = join(dir, "eve.json");
    const dlPath = join(dir, "state", "dead-letter.ndjson");
    await writeFile(
      join(dir, "soc.yaml"),
      [
        "version: 1",
        "project: { name: kill-restart-test }",
        `opensearch: { mode: endpoint, url: "${server.url}" }`,
        "apps:",
        "  edgeAgent:",
        "    sensorId: test-sensor",
        "    eve: { paths: [./eve.json], checkpointDir: ./state, deadLetterPath: ./state/dead-letter.ndjson }",
        "    buffer: { type: disk, dir: ./spool }",
        "    shipper: { batchMaxEvents: 40, flushInterval: 30ms, concurrency: 2, retry: { initialDelay: 10ms, maxDelay: 100ms } }",
        "",
      ].join("\n"),
    );
    server.failItems({ fraction: 0.03, status: 429, times: 1 }); // some items take the retry path when the kill comes
    const writer = new EveWriter(path, lines);
    await writer.write(20_000);
    const errors: string[] = [];
    const context = async (): Promise<string> => `${log.join("\n")}\nfiles: ${await listing(dir)}\nerrors: ${errors.slice(0, 5).join("\n")}`;

    for (let i = 0; i < KILLS; i++) {
      server.setResponseDelay(Math.floor(rnd() * 30)); // keeps batches in flight when the kill comes
      const fromSpawn = i % 4 === 3; // else: from this life's first _bulk request
      const delay = Math.floor(rnd() * (fromSpawn ? 900 : 1500));
      const rotateFrac = rnd();
      const bulkBefore = server.stats.bulkRequests;
      const spawned = performance.now();
      const life = start(["--no-metrics"]);
      let anchor = fromSpawn ? spawned : undefined;
      let rotated = ROTATE_RUNNING[i] === undefined;
      for (;;) {
        const now = performance.now();
        if (anchor === undefined && (server.stats.bulkRequests > bulkBefore || now - spawned > 5000)) anchor = now;
        if (anchor !== undefined && !rotated && now >= anchor + delay * rotateFrac) {
          if (ROTATE_RUNNING[i] === "rename") await writer.rotateRename(1 + Math.floor(rnd() * 3));
          else await writer.rotateCopytruncate();
          rotated = true;
        }
        if (anchor !== undefined && now >= anchor + delay) break;
        await writer.write(256 + Math.floor(rnd() * 4000));
        await sleep(20);
      }
      life.child.kill("SIGKILL");
      const r = await life.exit;
      errors.push(...errorLogs(r.stderr));
      if (keep) await writeFile(join(dir, `life-${i}.log`), r.stderr);
      log.push(
        `#${i}: killed ${Math.round(performance.now() - spawned)} ms after spawn (${delay} ms after ${fromSpawn ? "spawn" : "its first _bulk"})` +
          `${ROTATE_RUNNING[i] ? `, ${ROTATE_RUNNING[i]} while running` : ""}; sink ${server.documentCount()}/${expected.size}, written ${writer.written}/${stream.length} B`,
      );
      // It was still running: it neither crashed nor exited by itself.
      expect({ code: r.code, signal: r.signal }, await context()).toEqual({ code: null, signal: "SIGKILL" });
      for (const kind of ROTATE_DOWN[i] ?? []) {
        await writer.write(256 + Math.floor(rnd() * 4000));
        if (kind === "rename") await writer.rotateRename(1);
        else await writer.rotateCopytruncate();
        log.push(`#${i}: ${kind} while down`);
      }
    }
    await writer.writeAll();
    await writer.close();
    expect(writer.rotations).toEqual({ rename: 7, copytruncate: 7 });
    server.clearFaults(); // the last life only has to finish: no more 429s, no delay

    // The last life runs until it has caught up, then stops cleanly.
    const lastStarted = performance.now();
    const last = start(["--no-metrics"]);
    // Up (signal handlers installed, reading) before it is judged caught up: the kills may have shipped it all.
    const alive = (): boolean => {
      if (last.child.exitCode !== null || last.child.signalCode !== null) throw new Error(`the last life exited early:\n${last.stderr().slice(-2000)}`);
      return true;
    };
    await waitFor(() => alive() && /"msg":"shipping"/.test(last.stderr()), 30_000, "the last life to start shipping").catch((err: unknown) => {
      throw new Error(`${(err as Error).message}; its log so far:\n${last.stderr().slice(-2000)}`);
    });
    // Caught up: the sink and the dead-letter file are complete, and the checkpoint names the live file at its end
    // (the sink alone is not enough: it can be complete while the agent still replays lines it already holds).
    const cpPath = checkpointPathFor(join(dir, "state"), path);
    const caughtUp = async (): Promise<boolean> => {
      if (!alive() || server.documentCount() < expected.size || (await deadLettered(dlPath)).parse.size < malformed.size) return false;
      if (!existsSync(cpPath)) return false;
      const cp = JSON.parse(await readFile(cpPath, "utf8")) as { files: { ino: string; offset: number }[] };
      const st = await stat(path, { bigint: true });
      return cp.files.length === 1 && cp.files[0]?.ino === st.ino.toString() && cp.files[0].offset === Number(st.size);
    };
    // Generous: a life that starts with events in its durable buffer sends everything through the buffer until the
    // drainer (one _bulk at a time) has emptied it, and a loaded machine throttles it further.
    await waitFor(caughtUp, 90_000, "the last life to catch up").catch(async (err: unknown) => {
      if (keep) await writeFile(join(dir, "last-life.log"), last.stderr());
      const cp = existsSync(cpPath) ? await readFile(cpPath, "utf8") : "(none)";
      throw new Error(`${(err as Error).message}: sink ${server.documentCount()}/${expected.size}, checkpoint ${cp}\n${await context()}`);
    });
    log.push(`last life caught up ${Math.round(performance.now() - lastStarted)} ms after spawn`);
    last.child.kill("SIGTERM");
    const r = await last.exit;
    errors.push(...errorLogs(r.stderr));
    expect({ code: r.code, status: /^status: (\w+)/m.exec(r.stdout)?.[1] }).toEqual({ code: 0, status: "stopped" });

    const keys = new Set(server.allKeys());
    const missing = [...expected].filter((k) => !keys.has(k));
    const extra = [...keys].filter((k) => !expected.has(k));
    expect({ missing: missing.slice(0, 5), extra: extra.slice(0, 5), missingCount: missing.length, extraCount: extra.length }, await context()).toEqual({
      missing: [],
      extra: [],
      missingCount: 0,
      extraCount: 0,
    });
    expect(server.documentCount()).toBe(expected.size);
    expect(server.stats.overwrites, "no replay happened: the kills did not land between shipping and checkpointing").toBeGreaterThan(0);
    const dl = await deadLettered(dlPath);
    expect(dl.parse).toEqual(malformed); // each malformed record (replays may write one again; none is missing or invented)
    expect(dl.other).toEqual([]);
    expect(errors, await context()).toEqual([]);
    console.info(`kill-restart:\n  ${log.join("\n  ")}\n  overwrites ${server.stats.overwrites}, _bulk requests ${server.stats.bulkRequests}`);

    // The clean stop kept the checkpoint at the end: a --once run reads nothing more from the files (what it
    // delivers from the durable buffer, if anything is left there, can only overwrite documents already there).
    if (keep) await writeFile(join(dir, "last-life.log"), r.stderr);
    const received = server.stats.itemsReceived;
    const overwrites = server.stats.overwrites;
    const once = await start(["--once", "--json"]).exit;
    if (keep) await writeFile(join(dir, "once.log"), once.stderr);
    expect(once.code).toBe(0);
    const onceSummary = JSON.parse(once.stdout) as { status: string; events: { read: number; shipped: number; fromBuffer: number } };
    expect(onceSummary).toMatchObject({ status: "ok", events: { read: 0 } });
    expect(onceSummary.events.shipped).toBe(onceSummary.events.fromBuffer); // only what the buffer still held, if anything
    expect(server.stats.itemsReceived - received).toBe(server.stats.overwrites - overwrites);
    expect(server.documentCount()).toBe(expected.size);
  });
});
