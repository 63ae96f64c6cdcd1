import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { OutboxCorruptError } from "../../src/alert/errors.js";
import { atomicWrite, Outbox, type OutboxEntry } from "../../src/alert/outbox.js";
import { AlertStateMachine } from "../../src/alert/state.js";
import { obs, removeDir, tempDir } from "./helpers.js";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map(removeDir));
});
async function dir(): Promise<string> {
  const d = await tempDir();
  dirs.push(d);
  return d;
}

function entry(outbox: Outbox, receiver = "hook"): OutboxEntry {
  const alert = new AlertStateMachine(1000).observe(obs())?.alert;
  if (alert === undefined) throw new Error("no alert");
  return { ...outbox.allocate(), receiver, fingerprint: alert.fingerprint, kind: "firing", alert, enqueuedAt: 5 };
}

describe("Outbox", () => {
  it("creates the directory, stores entries as files and loads them back in order", async () => {
    const d = join(await dir(), "nested", "outbox");
    const { outbox, entries, state } = await Outbox.open(d);
    expect(entries).toEqual([]);
    expect(state).toBeUndefined();
    const a = entry(outbox);
    const b = entry(outbox, "slack");
    await outbox.put(b);
    await outbox.put(a);
    await outbox.saveState({ version: 1, hello: "world" });
    expect((await readdir(d)).sort()).toEqual([`${a.id}.json`, `${b.id}.json`, "state.json"]);
    const again = await Outbox.open(d);
    expect(again.entries).toEqual([a, b]);
    expect(again.state).toEqual({ version: 1, hello: "world" });
    // Sequence numbers continue after the largest one on disk.
    expect(again.outbox.allocate().seq).toBe(b.seq + 1);
    await again.outbox.remove(a.id);
    await again.outbox.remove(a.id); // absent is fine
    expect((await Outbox.open(d)).entries).toEqual([b]);
  });

  it("removes leftover temp files and sets unreadable entries aside with a typed problem", async () => {
    const d = await dir();
    await writeFile(join(d, "n-0000000000000007.json.123.tmp"), "{partial");
    await writeFile(join(d, "n-0000000000000003.json"), "{not json");
    await writeFile(join(d, "n-0000000000000004.json"), JSON.stringify({ id: "x" }));
    const { entries, problems, outbox } = await Outbox.open(d);
    expect(entries).toEqual([]);
    expect(problems).toHaveLength(2);
    expect(problems.every((p) => p instanceof OutboxCorruptError)).toBe(true);
    expect((await readdir(d)).sort()).toEqual(["n-0000000000000003.json.corrupt", "n-0000000000000004.json.corrupt"]);
    expect(outbox.allocate().seq).toBe(5);
  });

  it("atomicWrite replaces the target and leaves no temp file", async () => {
    const d = await dir();
    await atomicWrite(d, "f.json", "one");
    await atomicWrite(d, "f.json", "two");
    expect(await readFile(join(d, "f.json"), "utf8")).toBe("two");
    expect(await readdir(d)).toEqual(["f.json"]);
  });
});
