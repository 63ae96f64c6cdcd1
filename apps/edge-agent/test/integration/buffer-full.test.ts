// Buffer full during an outage: the disk spool (512 KiB) fills, the batcher behind it fills, and the daemon stops
// reading — the file is the last buffer, its lag grows, /metrics says full and the log says so once per episode.
// When OpenSearch is back the spool drains, reading resumes, and nothing is lost: every valid event ends in the
// sink exactly once by _id, in file order per lane.
import { appendFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixtureBytes } from "../support/fixtures.js";
import { testSettings, waitFor } from "../run/harness.js";
import { keysInOrder, laneOrderViolations, messages, recordArrivals, sample, scrape, startBuffered, syntheticEve, outageRig } from "./buffered-daemon.js";

const rig = outageRig("edge-buffer-full-");

const FULL_MSG = "durable buffer full: holding batches, reading pauses until it drains";

describe("buffered shipping with a full buffer", { timeout: 120_000 }, () => {
  it("pauses reading when the spool is full (lag grows, metrics and one warning say so), then drains with nothing lost", async () => {
    const { dir, server, gate } = rig;
    const path = join(dir, "eve.json");
    const before = fixtureBytes("rhaist__surevego.slice.json");
    const during = Buffer.concat([fixtureBytes("sofiafernandezmoreno__tfm_ddos_demo.slice.json"), syntheticEve(2500, "buffer-full"), fixtureBytes("OISF__suricata-verify.json")]);
    const more = Buffer.concat([fixtureBytes("cisagov__Malcolm.slice.json"), syntheticEve(300, "buffer-full-more")]);
    const all = Buffer.concat([before, during, more]);
    const expected = keysInOrder(all);
    const arrivals = recordArrivals(server);
    await writeFile(path, before);
    const settings = testSettings(dir, gate.url, {
      core: { maxBufferedBytes: 64 * 1024 },
      shipper: { concurrency: 1, requestTimeoutMs: 2000, compression: false, maxAttempts: 0 },
      bufferOptions: { type: "disk", dir: join(dir, "spool"), maxBytes: 512 * 1024 },
    });
    const d = startBuffered(settings);
    await waitFor(() => server.documentCount() === keysInOrder(before).length, 20_000, "events before the outage");
    await waitFor(async () => sample(await scrape(d), "soc_edge_shipping_mode", 'mode="direct"') === 1, 10_000, "direct shipping");

    await gate.down();
    const shippedBefore = server.documentCount();
    await appendFile(path, during);
    await waitFor(async () => {
      const m = await scrape(d);
      return sample(m, "soc_edge_buffer_full") === 1 && sample(m, "soc_edge_input_paused") === 1;
    }, 30_000, "buffer full and reading paused");
    const m1 = await scrape(d);
    expect(sample(m1, "soc_edge_buffer_fill_ratio")).toBeGreaterThan(0.8);
    expect(sample(m1, "soc_edge_buffer_full_episodes_total")).toBe(1);
    const lag1 = sample(m1, "soc_edge_file_lag_bytes") ?? 0;
    expect(lag1).toBeGreaterThan(0);
    const read1 = sample(m1, "soc_edge_read_bytes_total") ?? 0;
    await appendFile(path, more);
    await new Promise((r) => setTimeout(r, 1500));
    const m2 = await scrape(d);
    expect(sample(m2, "soc_edge_file_lag_bytes")).toBe(lag1 + more.length); // not read: the file holds it
    expect(sample(m2, "soc_edge_read_bytes_total")).toBe(read1);
    expect(sample(m2, "soc_edge_buffer_full")).toBe(1);
    expect(server.documentCount()).toBe(shippedBefore);
    expect(messages(d).filter((x) => x === FULL_MSG)).toHaveLength(1); // one warning per episode, not per event

    await gate.up();
    await waitFor(() => server.documentCount() === expected.length, 60_000, "every event after the outage");
    await waitFor(async () => {
      const m = await scrape(d);
      return sample(m, "soc_edge_buffer_depth_events") === 0 && sample(m, "soc_edge_buffer_full") === 0 && sample(m, "soc_edge_file_lag_bytes") === 0;
    }, 20_000, "drained, room again, file read to its end");
    expect(new Set(server.allKeys())).toEqual(new Set(expected.map((e) => e.key)));
    expect(laneOrderViolations(expected, arrivals)).toEqual([]);
    const m3 = await scrape(d);
    expect(messages(d).filter((x) => x === FULL_MSG)).toHaveLength(sample(m3, "soc_edge_buffer_full_episodes_total") ?? -1);
    expect(messages(d)).toContain("durable buffer has room again: appending resumes");
    d.stop.abort();
    const s = await d.done;
    expect(s).toMatchObject({ status: "stopped", exitCode: 0 });
    expect(s.events.deadLettered).toBe(0);
  });
});
