// Disk spool IO errors (SpoolIoError) are caught where they arise and never crash the daemon: an unusable spool
// directory at start is retried before anything is read; when the directory vanishes during an outage, the append
// that finds out is counted, logged and retried, and the spool recreates the directory by itself (reporting the
// buffered events that went with it): reading and shipping resume without a restart.
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

  it("a spool directory removed during an outage: the failed append is counted and logged, the spool recreates it and reports the loss, appending and shipping resume without a restart", async () => {
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
      bufferOptions: { type: "disk", dir: spool, maxBytes: 64 << 20, segmentBytes: 8192 },
    });
    const d = startBuffered(settings, {}, 1000);
    await waitFor(() => d.metrics() !== "", 10_000, "metrics server");
    const firstKeys = keysInOrder(first);
    await waitFor(async () => sample(await scrape(d), "soc_edge_buffer_appended_events_total") === firstKeys.length, 20_000, "first events in the spool");
    await rm(spool, { recursive: true, force: true }); // the first events (not yet shipped) go with it
    await appendFile(path, second);
    await waitFor(async () => (sample(await scrape(d), "soc_edge_buffer_errors_total") ?? 0) > 0, 20_000, "append errors counted");
    expect(messages(d)).toContain(APPEND_FAILED);
    // Without a restart: the spool is recreated, the loss is logged with its count, and everything else is read.
    await waitFor(async () => (await checkpointOffset(settings.checkpointDir, path)) === first.length + second.length, 20_000, "reading resumed to the end");
    const lost = d.records.filter((r) => (r["warning"] as { kind?: string } | undefined)?.kind === "lost_from_buffer");
    expect(lost).toEqual([expect.objectContaining({ level: 50, lostEvents: firstKeys.length, warning: expect.objectContaining({ records: firstKeys.length, path: spool }) })]);
    expect(sample(await scrape(d), "soc_edge_buffer_lost_events_total")).toBe(firstKeys.length);

    await gate.up();
    const rest = keysInOrder(second);
    await waitFor(() => {
      const keys = new Set(server.allKeys());
      return rest.every((k) => keys.has(k.key));
    }, 30_000, "the events after the removal shipped");
    const shipped = new Set(server.allKeys());
    expect(firstKeys.filter((k) => shipped.has(k.key))).toEqual([]); // lost with the directory, and reported above
    // The buffer is consistent again: it drains to empty and the plan switches back to shipping directly.
    await waitFor(async () => {
      const m = await scrape(d);
      return sample(m, "soc_edge_shipping_mode", 'mode="direct"') === 1 && sample(m, "soc_edge_buffer_depth_events") === 0;
    }, 20_000, "direct shipping with an empty buffer");
    d.stop.abort();
    expect(await d.done).toMatchObject({ status: "stopped", exitCode: 0 });
  });
});
