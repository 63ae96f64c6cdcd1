/** `compose-gen import` through the built CLI: config on stdout, notes on stderr, and `compose` on the result. */
import { cp, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseConfig } from "@soc/config";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { composeSchemaErrors } from "./support/compose-schema.js";
import { EXAMPLES } from "./support/configs.js";
import { COMPOSE_FIXTURES } from "./support/lint.js";
import { runCli, useCliWorkdir } from "./support/cli.js";

const work = useCliWorkdir("compose-gen-import-");
const cli = (args: string[]) => runCli(args, work.dir);

beforeAll(async () => {
  await cp(COMPOSE_FIXTURES, work.dir, { recursive: true });
});

describe("compose-gen import", () => {
  it("docker-elk + heartbeat: a valid config on stdout, notes on stderr; compose regenerates a valid file", async () => {
    const r = await cli(["import", "deviantony__docker-elk__docker-compose.yml", "deviantony__docker-elk__extensions__heartbeat__heartbeat-compose.yml"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# Imported by compose-gen from deviantony__docker-elk__docker-compose\.yml \+ deviantony__docker-elk__extensions__heartbeat__heartbeat-compose\.yml\./);
    const config = parseConfig(parse(r.stdout));
    expect(Object.keys(config.services)).toContain("heartbeat");
    await writeFile(path.join(work.dir, "stack.yaml"), r.stdout);
    const c = await cli(["compose", "stack.yaml", "-o", "out"]);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stderr).toMatch(/security: score \d+\/100/);
    expect(composeSchemaErrors(parse(await readFile(path.join(work.dir, "out/compose/docker-compose.yml"), "utf8")))).toEqual([]);
  });

  it("messy: the socket mount is flagged as a critical finding to waive, and compose stops on it", async () => {
    const r = await cli(["import", "messy.compose.yml", "messy.override.yml"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("note: services.agent: critical security finding [docker-socket]");
    await writeFile(path.join(work.dir, "messy-stack.yaml"), r.stdout);
    const c = await cli(["compose", "messy-stack.yaml", "-o", "out-messy"]);
    expect(c.code).toBe(1);
    expect(c.stderr).toMatch(/1 critical security finding stops generation[\s\S]*services\.agent\.volumes\.0: \[docker-socket\]/);
  });

  it("an example's generated Compose imports and generates again: its waivers travel as x-soc-waive", async () => {
    const gen = await cli(["compose", path.join(EXAMPLES, "ai-soc.yaml"), "-o", "ai"]);
    expect(gen.code, gen.stderr).toBe(0);
    expect(await readFile(path.join(work.dir, "ai/compose/docker-compose.yml"), "utf8")).toContain("x-soc-waive:");
    const r = await cli(["import", "ai/compose/docker-compose.yml"]);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain("critical security finding"); // every critical one is waived
    await writeFile(path.join(work.dir, "ai/compose/stack.yaml"), r.stdout);
    const again = await cli(["compose", "ai/compose/stack.yaml", "-o", "ai-again"]);
    expect(again.code, again.stderr).toBe(0);
    const lint = await cli(["lint", "--compose", "ai-again/compose/docker-compose.yml", "--format", "json"]);
    const doc = JSON.parse(lint.stdout) as { findings: { rule: string; service: string; waived?: string }[] };
    expect(doc.findings.filter((f) => f.rule === "privileged" || f.rule === "docker-socket").every((f) => f.waived !== undefined)).toBe(true);
  });

  it("a file that is not YAML: exit 1 with file and line", async () => {
    await writeFile(path.join(work.dir, "broken.yml"), "services:\n  a: [1, 2\n");
    const r = await cli(["import", "broken.yml"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: broken\.yml:\d+:/);
  });
});
