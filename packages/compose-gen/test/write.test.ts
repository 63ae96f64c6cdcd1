/** The one writer: creates folders, writes atomically, skips unchanged files, refuses escaping paths. */
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UnsafePathError, writeFiles } from "../src/index.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "compose-gen-write-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("writeFiles", () => {
  it("creates nested folders and reports created / unchanged / updated", async () => {
    const out = path.join(dir, "a", "b");
    const first = await writeFiles(out, new Map([["compose/x.yml", "x: 1\n"], ["compose/.env.example", "A=\n"]]));
    expect(first.map((w) => [w.file, w.status])).toEqual([["compose/.env.example", "created"], ["compose/x.yml", "created"]]);
    expect(await readFile(path.join(out, "compose/x.yml"), "utf8")).toBe("x: 1\n");

    const mtime = (await stat(path.join(out, "compose/x.yml"))).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    const second = await writeFiles(out, new Map([["compose/x.yml", "x: 1\n"], ["compose/.env.example", "A=\nB=\n"]]));
    expect(second.map((w) => [w.file, w.status])).toEqual([["compose/.env.example", "updated"], ["compose/x.yml", "unchanged"]]);
    expect((await stat(path.join(out, "compose/x.yml"))).mtimeMs).toBe(mtime);
    expect(await readFile(path.join(out, "compose/.env.example"), "utf8")).toBe("A=\nB=\n");
    expect((await readdir(path.join(out, "compose"))).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("writes many files across folders concurrently, results sorted by path", async () => {
    const files = new Map(Array.from({ length: 100 }, (_, i) => [`k8s/d${i % 7}/f${String(i).padStart(3, "0")}.yaml`, `i: ${i}\n`] as const));
    const written = await writeFiles(dir, files);
    expect(written.map((w) => w.file)).toEqual([...files.keys()].sort());
    expect(written.every((w) => w.status === "created")).toBe(true);
    for (const [f, text] of files) expect(await readFile(path.join(dir, f), "utf8")).toBe(text);
    expect((await writeFiles(dir, files)).every((w) => w.status === "unchanged")).toBe(true);
  });

  it("checks every path before writing anything", async () => {
    await expect(writeFiles(dir, new Map([["a.yml", "a"], ["zz/../../evil.yml", "x"]]))).rejects.toBeInstanceOf(UnsafePathError);
    expect(await readdir(dir)).toEqual([]);
  });

  it.each(["../evil.yml", "/etc/passwd", "compose/../../evil.yml"])("refuses %s", async (file) => {
    await expect(writeFiles(dir, new Map([[file, "x"]]))).rejects.toBeInstanceOf(UnsafePathError);
  });
});
