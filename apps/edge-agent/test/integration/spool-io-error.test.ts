// Disk spool IO errors (SpoolIoError) are caught where they arise and never crash the daemon: an unusable spool
// directory at start is retried before anything is read; a spool whose directory vanishes during an outage refuses
// appends, which are counted, logged and retried while reading pauses (the tailed file is the last buffer).
import { appendFile, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkpointPathFor } from "../../src/config-map.js";
import { fixtureBytes } from "../support/fixtures.js";
import { testSettings, waitFor } from "../run/harness.js";
import { keysInOrder, messages, outageRig, sample, scrape, startBuffered, syntheticEve } from "./buffered-daemon.js";

const rig = outageRig("edge-spool-io-");

const UNUSABLE = "disk spool unusable: retrying before reading";
const APPEND_FAILED = "durable buffer append failed: retrying, reading pauses meanwhile";

const checkpointOffset = async (checkpointDir: string, path: string): Promise<number> =>
  (JSON.parse(await readFile(checkpointPathFor(checkpointDir, path), "utf8")) as { files: { offset: number }[] }).files.at(-1)?.offset ?? 0;

describe("disk spool IO errors", { timeout: 60_000 }, () => {
  it("an unusable spool directory at start is retried without reading; once usable, everything ships", async () => {
    const { dir, server } = rig;
    const spool = join(dir, "spool");
    await writeFile(spool, "not a directory"); // mkdir fails: SpoolIoError on open (EACCES does not stop root)
    const data = fixtureBytes("rhaist__surevego.slice.json");
    await writeFile(join(dir, "eve.json"), data);
    const d = startBuffered(testSettings(dir, server.url, { bufferOptions: { type: "disk", dir: spool, maxBytes: 64 << 20 } }));
    await waitFor(() => messages(d).filter((m) => m === UNUSABLE).length >= 2, 20_000, "open retried");
    expect(server.documentCount()).toBe(0);
    expect(messages(d)).not.toContain("shipping"); // the pipeline has not started reading
    await rm(spool);
    await waitFor(() => server.documentCount() === keysInOrder(data).length, 30_000, "shipping once the spool opened");
    d.stop.abort();
    expect(await d.done).toMatchObject({ status: "stopped", exitCode: 0 });
  });

  it("a spool directory removed during an outage: failed appends are counted and logged, reading pauses, no crash; the restart ships the unread rest", async () => {
    const { dir, server, gate } = rig;
    await gate.down();
    const path = join(dir, "eve.json");
    const spool = join(dir, "spool");
    const first = syntheticEve(200, "spool-io-first");
    const second = Buffer.concat([syntheticEve(3000, "spool-io-second"), fixtureBytes("OISF__suricata-verify.json")]);
    await writeFile(path, first);
    const settings = testSettings(dir, gate.url, {
      core: { maxBufferedBytes: 64 * 1024 },
      shipper: { concurrency: 1, requestTimeoutMs: 2000, compression: false, maxAttempts: 0 },
      // Small segments: the next new segment file cannot be created once the directory is gone.
      bufferOptions: { type: "disk", dir: spool, maxBytes: 64 << 20, segmentBytes: 8192 },
    });
    const d1 = startBuffered(settings, {}, 1000);
    await waitFor(() => d1.metrics() !== "", 10_000, "metrics server");
    await waitFor(async () => sample(await scrape(d1), "soc_edge_buffer_appended_events_total") === keysInOrder(first).length, 20_000, "first events in the spool");
    await rm(spool, { recursive: true, force: true });
    await appendFile(path, second);
    await waitFor(async () => (sample(await scrape(d1), "soc_edge_buffer_errors_total") ?? 0) > 0, 20_000, "append errors counted");
    expect(messages(d1)).toContain(APPEND_FAILED);
    // Reading pauses: the checkpoint stays short of the end while appends fail.
    await new Promise((r) => setTimeout(r, 500));
    const stuckAt = await checkpointOffset(settings.checkpointDir, path);
    expect(stuckAt).toBeLessThan(first.length + second.length);
    let settled = false;
    void d1.done.finally(() => (settled = true));
    expect(settled).toBe(false); // still running
    d1.stop.abort();
    expect(await d1.done).toMatchObject({ status: "stopped", exitCode: 0 });
    const offset = await checkpointOffset(settings.checkpointDir, path);

    await gate.up();
    const all = await readFile(path);
    const rest = keysInOrder(all.subarray(offset));
    expect(rest.length).toBeGreaterThan(0);
    const d2 = startBuffered(settings);
    await waitFor(() => {
      const keys = new Set(server.allKeys());
      return rest.every((k) => keys.has(k.key));
    }, 30_000, "the unread rest shipped after the restart");
    d2.stop.abort();
    expect(await d2.done).toMatchObject({ status: "stopped", exitCode: 0 });
  });
});
