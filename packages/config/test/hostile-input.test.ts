import { mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, MAX_DEPTH } from "../src/index.js";
import { configError, fixture } from "./helpers.js";

/** Every hostile fixture, the code it is refused with, and words the message must contain. */
const CASES: [file: string, code: string, words: RegExp, line?: number][] = [
  ["bad/empty.yaml", "empty_file", /file is empty/],
  ["bad/comments-only.yaml", "empty_file", /no content/],
  ["bad/binary-nul.yaml", "binary_file", /NUL byte at offset 29/],
  ["bad/invalid-utf8.yaml", "invalid_utf8", /not valid UTF-8 \(first bad byte at offset 31\)/],
  ["bad/tabs.yaml", "yaml_tab_as_indent", /tabs are not allowed as indentation/, 3],
  ["bad/alias-bomb.yaml", "alias_bomb", /billion laughs/],
  ["bad/deep-flow.yaml", "too_deep", new RegExp(`deeper than ${MAX_DEPTH} levels`), 4],
  ["bad/deep-block.yaml", "too_deep", new RegExp(`deeper than ${MAX_DEPTH} levels`), 5],
  ["bad/duplicate-keys.yaml", "yaml_duplicate_key", /duplicate key/, 4],
  ["bad/duplicate-keys.json", "yaml_duplicate_key", /duplicate key/, 4],
  ["bad/custom-tag.yaml", "forbidden_tag", /tag !foo is not allowed/, 3],
  ["bad/js-function.yaml", "forbidden_tag", /tag !!js\/function is not allowed/, 4],
  ["bad/binary-tag.yaml", "forbidden_tag", /tag !!binary is not allowed/, 4],
  ["bad/top-level-list.yaml", "not_a_mapping", /top level must be a mapping.*found a sequence/, 1],
  ["bad/top-level-scalar.yaml", "not_a_mapping", /top level must be a mapping.*found a scalar/, 1],
  ["bad/multi-doc.yaml", "multiple_documents", /exactly one YAML document/, 4],
];

describe("hostile input is refused with a message naming the file", () => {
  for (const [rel, code, words, line] of CASES) {
    it(rel, async () => {
      const file = fixture(rel);
      const e = await configError(() => loadConfig(file));
      expect(e.issues).toHaveLength(1);
      const [issue] = e.issues;
      expect(issue).toMatchObject({ file, code });
      expect(issue?.message).toMatch(words);
      if (line !== undefined) expect(issue?.line).toBe(line);
      expect(e.format().startsWith(file)).toBe(true);
      expect(e.format()).not.toMatch(/\n\s+at /); // no stack trace in the formatted text
    });
  }

  describe("size cap", () => {
    let dir = "";
    beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), "soc-config-")); });
    afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

    it("refuses a 10 MB file from its size, before reading it", async () => {
      const big = join(dir, "big.yaml");
      await writeFile(big, "");
      await truncate(big, 10 * 1024 * 1024); // sparse: cheap to create, would be slow to parse
      const e = await configError(() => loadConfig(big));
      expect(e.issues[0]).toMatchObject({ file: big, code: "file_too_large", message: "file is 10 MiB, more than the 1 MiB limit for a config file (not read)" });
    });

    it("honours maxBytes", async () => {
      const e = await configError(() => loadConfig(fixture("good/full.yaml"), { maxBytes: 100 }));
      expect(e.issues[0]?.code).toBe("file_too_large");
    });

    it("refuses a missing file and a directory", async () => {
      expect((await configError(() => loadConfig(join(dir, "nope.yaml")))).issues[0]?.code).toBe("file_not_found");
      expect((await configError(() => loadConfig(dir))).issues[0]?.code).toBe("not_a_file");
    });
  });

  it("accepts exactly MAX_DEPTH levels of nesting and refuses one more", async () => {
    const dir = await mkdtemp(join(tmpdir(), "soc-config-"));
    try {
      // The top-level mapping is level 1, so n brackets under it make n + 1 levels.
      const write = async (n: number) => {
        const f = join(dir, `depth-${n}.yaml`);
        await writeFile(f, `version: 1\nproject:\n  name: x\nfeatures: ${"[".repeat(n)}${"]".repeat(n)}\n`);
        return f;
      };
      const atLimit = await configError(async () => loadConfig(await write(MAX_DEPTH - 1)));
      // Parsed fine; the schema then rejects a list where a mapping of flags belongs.
      expect(atLimit.issues.map((i) => i.code)).toEqual(["invalid_type"]);
      const over = await configError(async () => loadConfig(await write(MAX_DEPTH)));
      expect(over.issues.map((i) => i.code)).toEqual(["too_deep"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
