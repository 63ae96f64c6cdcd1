// OpenSearch down when the daemon starts: the index setup retries in the background while events are read into
// the durable buffer (checkpoints advance over them); once OpenSearch answers, the setup completes first, then the
// buffer drains and shipping goes direct. And SIGTERM while offline: a quick exit 0 with the buffered events
// behind the checkpoint; the next start drains them exactly once.
import { appendFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkpointPathFor } from "../../src/config-map.js";
import { fixtureBytes } from "../support/fixtures.js";
import { testSettings, waitFor } from "../run/harness.js";
import { keysInOrder, laneOrderViolations, messages, recordArrivals, sample, scrape, startBuffered, outageRig } from "./buffered-daemon.js";

const rig = outageRig("edge-start-offline-");

const checkpointOffset = async (checkpointDir: string, path: string): Promise<number | undefined> => {
  try {
    return (JSON.parse(await readFile(checkpointPathFor(checkpointDir, path), "utf8")) as { files: { offset: number }[] }).files.at(-1)?.offset;
  } catch {
    return undefined;
  }
};

describe("buffered shipping when OpenSearch is down", { timeout: 90_000 }, () => {
  it("at start: buffers while the index setup retries, then installs it, drains and ships directly", async () => {
    const { dir, server, gate } = rig;
    await gate.down();
    const path = join(dir, "eve.json");
    const first = Buffer.concat([fixtureBytes("rhaist__surevego.slice.json"), fixtureBytes("cisagov__Malcolm.slice.json")]);
    const later = fixtureBytes("OISF__suricata-verify.json");
    const expected = keysInOrder(Buffer.concat([first, later]));
    const arrivals = recordArrivals(server);
    const record = server.interceptor;
    let templateBeforeFirstBulk: boolean | undefined;
    server.interceptor = (req, body) => {
      if (req.url?.startsWith("/_bulk")) templateBeforeFirstBulk ??= server.templates.size > 0;
      return record?.(req, body);
    };
    await writeFile(path, first);
    const settings = testSettings(dir, gate.url, {
      shipper: { concurrency: 1, requestTimeoutMs: 2000, compression: false, maxAttempts: 0 },
      bufferOptions: { type: "disk", dir: join(dir, "spool"), maxBytes: 64 << 20 },
    });
    const d = startBuffered(settings);
    await waitFor(async () => (d.metrics() === "" ? false : sample(await scrape(d), "soc_edge_buffer_depth_events") === keysInOrder(first).length), 20_000, "everything buffered");
    await waitFor(async () => (await checkpointOffset(settings.checkpointDir, path)) === first.length, 10_000, "checkpoint over the buffered events");
    const ready = await fetch(`${d.metrics()}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.text()).toMatch(/index setup not done/);
    expect(sample(await scrape(d), "soc_edge_shipping_mode", 'mode="buffer"')).toBe(1);
    expect(messages(d)).toContain("index setup failed, retrying");

    await gate.up();
    await waitFor(() => server.documentCount() === keysInOrder(first).length, 30_000, "buffered events shipped");
    expect(templateBeforeFirstBulk).toBe(true); // the index template is in place before the first document
    await waitFor(async () => sample(await scrape(d), "soc_edge_shipping_mode", 'mode="direct"') === 1, 10_000, "direct shipping");
    await appendFile(path, later);
    await waitFor(() => server.documentCount() === expected.length, 20_000, "later events");
    expect(new Set(server.allKeys())).toEqual(new Set(expected.map((e) => e.key)));
    expect(laneOrderViolations(expected, arrivals)).toEqual([]);
    expect((await fetch(`${d.metrics()}/readyz`)).status).toBe(200);
    d.stop.abort();
    expect(await d.done).toMatchObject({ status: "stopped", exitCode: 0 });
  });

  it("SIGTERM while offline: exits 0 promptly with buffered events behind the checkpoint; the restart drains them exactly once", async () => {
    const { dir, server, gate } = rig;
    const path = join(dir, "eve.json");
    const before = fixtureBytes("rhaist__surevego.slice.json");
    const during = fixtureBytes("sofiafernandezmoreno__tfm_ddos_demo.slice.json");
    const expected = keysInOrder(Buffer.concat([before, during]));
    await writeFile(path, before);
    const settings = testSettings(dir, gate.url, {
      shipper: { concurrency: 2, requestTimeoutMs: 2000, compression: false, maxAttempts: 0 },
      bufferOptions: { type: "disk", dir: join(dir, "spool"), maxBytes: 64 << 20 },
    });
    const d1 = startBuffered(settings, {}, 3000);
    await waitFor(() => server.documentCount() === keysInOrder(before).length, 20_000, "events before the outage");
    // Settled (every response received, the startup buffer empty), so the restart's count below is exact.
    await waitFor(async () => {
      const m = await scrape(d1);
      return sample(m, "soc_edge_shipping_mode", 'mode="direct"') === 1 && sample(m, "soc_edge_buffer_depth_events") === 0 && sample(m, "soc_edge_inflight_bytes") === 0;
    }, 10_000, "settled");
    await gate.down();
    await appendFile(path, during);
    await waitFor(async () => (await checkpointOffset(settings.checkpointDir, path)) === before.length + during.length, 20_000, "everything read and buffered");
    const stoppedAt = performance.now();
    d1.stop.abort();
    const s1 = await d1.done;
    expect(performance.now() - stoppedAt).toBeLessThan(3000 + 5000); // the shutdown deadline + the plan's close deadline
    expect(s1).toMatchObject({ status: "stopped", exitCode: 0 });
    expect(server.documentCount()).toBe(keysInOrder(before).length);

    await gate.up();
    const received = server.stats.itemsReceived;
    const d2 = startBuffered(settings);
    await waitFor(() => server.documentCount() === expected.length, 30_000, "buffered events after the restart");
    await waitFor(async () => sample(await scrape(d2), "soc_edge_buffer_depth_events") === 0, 10_000, "spool empty");
    expect(new Set(server.allKeys())).toEqual(new Set(expected.map((e) => e.key)));
    // Exactly once: the restart sent each buffered event once and re-read nothing from the file.
    expect(server.stats.itemsReceived - received).toBe(keysInOrder(during).length);
    d2.stop.abort();
    const s2 = await d2.done;
    expect(s2).toMatchObject({ status: "stopped", exitCode: 0 });
    expect(s2.events.read).toBe(0);
  });
});
