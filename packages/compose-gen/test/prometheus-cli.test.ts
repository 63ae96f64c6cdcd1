/** `compose-gen prometheus`, and `all`/`check` covering the prometheus/ folder, through the built CLI. */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { runCli, useCliWorkdir } from "./support/cli.js";
import { FIXTURES } from "./support/configs.js";

const work = useCliWorkdir("compose-gen-prom-cli-");
const cli = (args: string[]) => runCli(args, work.dir);
const MINIMAL = path.join(FIXTURES, "minimal.yaml");

describe("compose-gen prometheus", () => {
  it("writes prometheus.yml and the rules file", async () => {
    const r = await cli(["prometheus", MINIMAL, "-o", "one"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("3 scrape jobs: aiops-agent, edge-agent, health-monitor");
    const prom = parse(await readFile(path.join(work.dir, "one/prometheus/prometheus.yml"), "utf8")) as { rule_files: string[] };
    expect(prom.rule_files).toEqual(["rules/soc-stack.rules.yml"]);
    const rules = parse(await readFile(path.join(work.dir, "one/prometheus/rules/soc-stack.rules.yml"), "utf8")) as { groups: { name: string }[] };
    expect(rules.groups.map((g) => g.name)).toEqual(["soc-aiops-agent", "soc-edge-agent", "soc-health-monitor"]);
  });

  it("is written by `all` and checked by `check`", async () => {
    expect((await cli(["all", MINIMAL, "-o", "two"])).code).toBe(0);
    expect((await cli(["check", MINIMAL, "-o", "two"])).code).toBe(0);
    const rules = path.join(work.dir, "two/prometheus/rules/soc-stack.rules.yml");
    await writeFile(rules, (await readFile(rules, "utf8")).replace("for: 2m", "for: 1h"));
    const drift = await cli(["check", MINIMAL, "-o", "two"]);
    expect(drift.code).toBe(1);
    expect(drift.stdout).toContain("b/prometheus/rules/soc-stack.rules.yml");
  });
});
