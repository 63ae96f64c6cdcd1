/** `compose-gen images`, and `all`/`check` covering the images/ folder, through the built CLI. */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli, useCliWorkdir } from "./support/cli.js";
import { FIXTURES } from "./support/configs.js";

const work = useCliWorkdir("compose-gen-images-cli-");
const cli = (args: string[]) => runCli(args, work.dir);
const CUSTOM = path.join(FIXTURES, "images", "custom.yaml");

// A pnpm-workspace.yaml marks the temporary folder as the monorepo root the bake file is relative to.
beforeAll(async () => writeFile(path.join(work.dir, "pnpm-workspace.yaml"), "packages: []\n"));

describe("compose-gen images", () => {
  it("writes a Dockerfile per enabled app and the bake file, naming the images folder from the repo root", async () => {
    await mkdir(path.join(work.dir, "sub"), { recursive: true });
    const r = await runCli(["images", CUSTOM, "-o", "../one"], path.join(work.dir, "sub"));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("2 app images for linux/arm64: registry.example.com/soc/edge-agent:1.2.3, docker.io/acme/hm:edge");
    const bake = await readFile(path.join(work.dir, "one/images/docker-bake.hcl"), "utf8");
    expect(bake).toContain('variable "IMAGES_DIR" {\n  default = "one/images"\n}');
    expect(await readFile(path.join(work.dir, "one/images/edge-agent.Dockerfile"), "utf8")).toContain("\nEXPOSE 9200/tcp\n");
    await expect(readFile(path.join(work.dir, "one/images/aiops-agent.Dockerfile"), "utf8")).rejects.toThrow(/ENOENT/);
  });

  it("is written by `all` and checked by `check`", async () => {
    expect((await cli(["all", CUSTOM, "-o", "two"])).code).toBe(0);
    expect((await cli(["check", CUSTOM, "-o", "two"])).code).toBe(0);
    const df = path.join(work.dir, "two/images/edge-agent.Dockerfile");
    await writeFile(df, (await readFile(df, "utf8")).replace("EXPOSE 9200/tcp", "EXPOSE 9999/tcp"));
    await writeFile(path.join(work.dir, "two/images/aiops-agent.Dockerfile"), "FROM scratch\n");
    const drift = await cli(["check", CUSTOM, "-o", "two"]);
    expect(drift.code).toBe(1);
    expect(drift.stdout).toContain("b/images/edge-agent.Dockerfile");
    expect(drift.stderr).toContain("1 modified, 0 missing, 1 extra");
  });
});
