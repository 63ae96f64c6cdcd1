import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CombinedDetector } from "../../src/detect/index.js";
import { NabInputError, parseNabCsv, parseNabTimestamp, runNab, scoreNabRows } from "../../src/nab/index.js";

const FIXTURE = join(import.meta.dirname, "..", "fixtures", "exchange-3_cpc_results.head400.csv");

describe("parseNabCsv", () => {
  it("parses NAB rows as UTC and keeps the original text", () => {
    const rows = parseNabCsv("x.csv", "timestamp,value\r\n2014-02-14 14:30:00,0.132\r\n2014-02-14 14:35:00,\r\n");
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual({ timestampText: "2014-02-14 14:30:00", valueText: "0.132", t: Date.UTC(2014, 1, 14, 14, 30), value: 0.132 });
    expect(Number.isNaN(rows[1]?.value)).toBe(true);
    expect(parseNabTimestamp("2011-07-14 10:15:01.000000")).toBe(Date.UTC(2011, 6, 14, 10, 15, 1));
  });

  it("throws NabInputError with file and line on bad input", () => {
    expect(() => parseNabCsv("a.csv", "time,val\n")).toThrow(NabInputError);
    try {
      parseNabCsv("b.csv", "timestamp,value\n2014-02-14 14:30:00,1\nyesterday,2\n");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(NabInputError);
      expect((e as NabInputError).file).toBe("b.csv");
      expect((e as NabInputError).line).toBe(3);
    }
  });
});

describe("runNab output layout", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "aiops-nab-test-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("writes <out>/<category>/soc_<file>.csv with NAB's header, every row in order, scores in [0,1], label 0", async () => {
    const data = join(dir, "data");
    await mkdir(join(data, "catA"), { recursive: true });
    await mkdir(join(data, "catB"), { recursive: true });
    const fixture = await readFile(FIXTURE, "utf8");
    await writeFile(join(data, "catA", "exchange.csv"), fixture);
    const lines = ["timestamp,value"];
    for (let i = 0; i < 300; i++) {
      const ts = new Date(Date.UTC(2020, 0, 1) + i * 300_000).toISOString().slice(0, 19).replace("T", " ");
      lines.push(`${ts},${i === 250 ? 100 : (i % 7) / 7}`);
    }
    await writeFile(join(data, "catB", "tiny.csv"), lines.join("\n") + "\n");
    await writeFile(join(data, "catB", "notes.txt"), "ignored");
    await writeFile(join(data, "README.md"), "ignored");

    const out = join(dir, "results", "soc");
    const summary = await runNab({ dataDir: data, outDir: out });
    expect(summary.files).toEqual(["catA/exchange.csv", "catB/tiny.csv"]);
    expect(summary.rows).toBe(400 + 300);
    expect((await readdir(out)).sort()).toEqual(["catA", "catB"]);
    expect(await readdir(join(out, "catB"))).toEqual(["soc_tiny.csv"]);

    for (const [cat, file, input] of [
      ["catA", "exchange.csv", fixture],
      ["catB", "tiny.csv", lines.join("\n")],
    ] as const) {
      const text = await readFile(join(out, cat, `soc_${file}`), "utf8");
      const outLines = text.trimEnd().split("\n");
      const inLines = input.trimEnd().split(/\r?\n/);
      expect(outLines[0]).toBe("timestamp,value,anomaly_score,label");
      expect(outLines).toHaveLength(inLines.length);
      for (let i = 1; i < outLines.length; i++) {
        const [ts, value, score, label] = (outLines[i] ?? "").split(",");
        const [inTs, inValue] = (inLines[i] ?? "").split(",");
        expect(ts).toBe(inTs);
        expect(value).toBe(inValue);
        expect(Number(score)).toBeGreaterThanOrEqual(0);
        expect(Number(score)).toBeLessThanOrEqual(1);
        expect(label).toBe("0");
      }
    }
  });

  it("uses the --detector prefix and a fresh detector per file (same file twice, same scores)", async () => {
    const data = join(dir, "data");
    await mkdir(join(data, "c"), { recursive: true });
    const fixture = await readFile(FIXTURE, "utf8");
    await writeFile(join(data, "c", "a.csv"), fixture);
    await writeFile(join(data, "c", "b.csv"), fixture);
    await runNab({ dataDir: data, outDir: join(dir, "out"), detector: "mine" });
    const a = await readFile(join(dir, "out", "c", "mine_a.csv"), "utf8");
    const b = await readFile(join(dir, "out", "c", "mine_b.csv"), "utf8");
    expect(a).toBe(b);
  });

  it("fails with NabInputError when there is nothing to score", async () => {
    await mkdir(join(dir, "empty", "cat"), { recursive: true });
    await expect(runNab({ dataDir: join(dir, "empty"), outDir: join(dir, "o") })).rejects.toBeInstanceOf(NabInputError);
  });
});

describe("the production detector on a NAB excerpt (realAdExchange/exchange-3_cpc_results, MIT)", () => {
  it("opens an event at NAB's labelled anomaly and raises no alert between the probation end and the window", async () => {
    const rows = parseNabCsv("fixture", await readFile(FIXTURE, "utf8"));
    const det = new CombinedDetector();
    const events: string[] = [];
    const alerts: number[] = [];
    rows.forEach((r, i) => {
      det.update(r.t, r.value);
      if (det.last.event) events.push(r.timestampText);
      if (det.last.alert) alerts.push(i);
    });
    const label = "2011-07-14 10:15:01";
    const windowStart = rows.findIndex((r) => r.timestampText === "2011-07-13 09:15:01");
    const labelIdx = rows.findIndex((r) => r.timestampText === label);
    const eventIdx = rows.findIndex((r) => events.includes(r.timestampText) && r.t >= (rows[windowStart]?.t ?? 0));
    expect(eventIdx).toBeGreaterThanOrEqual(windowStart);
    expect(eventIdx).toBeLessThanOrEqual(labelIdx + 2);
    // NAB's probation for this file is 15 % of its 1538 rows = 230 rows
    expect(alerts.filter((i) => i >= 230 && i < windowStart)).toEqual([]);
  });

  it("scoreNabRows is causal: scores of a prefix do not change when rows are appended", async () => {
    const rows = parseNabCsv("fixture", await readFile(FIXTURE, "utf8"));
    const full = scoreNabRows(rows, new CombinedDetector()).split("\n");
    const prefix = scoreNabRows(rows.slice(0, 250), new CombinedDetector()).trimEnd().split("\n");
    expect(full.slice(0, prefix.length)).toEqual(prefix);
  });
});
