/** `compose-gen all`, `k8s` and `check` through the built CLI (child process), and `checkDrift` directly. */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkDrift, compareFile } from "../src/index.js";
import { EXAMPLES } from "./support/configs.js";
import { runCli, useCliWorkdir } from "./support/cli.js";

const work = useCliWorkdir("compose-gen-check-");
const cli = (args: string[]) => runCli(args, work.dir);

const CONFIG = path.join(EXAMPLES, "pi-edge.yaml");

describe("compose-gen all / check", () => {
  it("all writes compose/ and k8s/, reports what cannot run on Kubernetes; check then exits 0", async () => {
    const r = await cli(["all", CONFIG, "-o", "out"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("wrote out/compose/docker-compose.yml");
    expect(r.stdout).toContain("wrote out/k8s/kustomization.yaml");
    expect(r.stdout).toContain("wrote out/k8s/daemonset-edge-agent.yaml");
    expect(r.stdout).toContain("kubectl apply -k out/k8s");
    expect(r.stderr).toMatch(/not on Kubernetes: suricata — uses the host network namespace/);
    expect(await readFile(path.join(work.dir, "out/k8s/UNSUPPORTED.md"), "utf8")).toContain("- **suricata** (`services.suricata`)");

    const ok = await cli(["check", CONFIG, "-o", "out"]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^up to date: \d+ generated files in out match /);
    expect(ok.stdout).not.toContain("@@");
  });

  it("check ignores the files users are told to create (compose/.env, k8s/secrets.env)", async () => {
    await writeFile(path.join(work.dir, "out/compose/.env"), "AWS_ACCESS_KEY_ID=x\n");
    await writeFile(path.join(work.dir, "out/k8s/secrets.env"), "AWS_ACCESS_KEY_ID=x\n");
    expect((await cli(["check", CONFIG, "-o", "out"])).code).toBe(0);
  });

  it("check exits 1 with a unified diff after a generated file was edited, deleted or added", async () => {
    const file = path.join(work.dir, "out/k8s/deployment-redis.yaml");
    const text = await readFile(file, "utf8");
    await writeFile(file, text.replace("imagePullPolicy: IfNotPresent", "imagePullPolicy: Always"));
    await unlink(path.join(work.dir, "out/k8s/service-edge-agent.yaml"));
    await writeFile(path.join(work.dir, "out/k8s/deployment-old.yaml"), "kind: Deployment\n");
    const r = await cli(["check", CONFIG, "-o", "out"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("--- a/k8s/deployment-redis.yaml\ton disk\n+++ b/k8s/deployment-redis.yaml\tgenerated\n");
    expect(r.stdout).toMatch(/^-\s+imagePullPolicy: Always$/m);
    expect(r.stdout).toMatch(/^\+\s+imagePullPolicy: IfNotPresent$/m);
    expect(r.stdout).toContain("--- /dev/null\ton disk\n+++ b/k8s/service-edge-agent.yaml\tgenerated\n");
    expect(r.stdout).toContain("--- a/k8s/deployment-old.yaml\ton disk\n+++ /dev/null\tgenerated\n");
    expect(r.stderr).toContain("drift: 1 modified, 1 missing, 1 extra file(s) in out; run: compose-gen all");

    expect((await cli(["all", CONFIG, "-o", "out"])).code).toBe(0);
    await unlink(path.join(work.dir, "out/k8s/deployment-old.yaml"));
    expect((await cli(["check", CONFIG, "-o", "out"])).code).toBe(0);
  });

  it("k8s writes only k8s/; a second run leaves every file unchanged", async () => {
    expect((await cli(["k8s", CONFIG, "-o", "k8s-only"])).code).toBe(0);
    expect(existsSync(path.join(work.dir, "k8s-only/compose"))).toBe(false);
    const again = await cli(["k8s", CONFIG, "-o", "k8s-only"]);
    expect(again.stdout).not.toMatch(/^wrote /m);
    expect(again.stdout).toContain("unchanged k8s-only/k8s/kustomization.yaml");
  });
});

describe("checkDrift", () => {
  it("reports modified, missing and extra files in the owned folders only, sorted", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "compose-gen-drift-"));
    try {
      await mkdir(path.join(root, "k8s"), { recursive: true });
      await mkdir(path.join(root, "elsewhere"), { recursive: true });
      await writeFile(path.join(root, "k8s/a.yaml"), "a: 1\n");
      await writeFile(path.join(root, "k8s/same.yaml"), "same\n");
      await writeFile(path.join(root, "k8s/stale.yaml"), "old\n");
      await writeFile(path.join(root, "elsewhere/x.yaml"), "not ours\n");
      const drifts = await checkDrift(root, new Map([["k8s/a.yaml", "a: 2\n"], ["k8s/same.yaml", "same\n"], ["k8s/new.yaml", "n\n"]]), ["k8s"]);
      expect(drifts.map((d) => [d.file, d.status])).toEqual([["k8s/a.yaml", "modified"], ["k8s/new.yaml", "missing"], ["k8s/stale.yaml", "extra"]]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("compareFile is undefined for identical contents", () => {
    expect(compareFile("f", "x\n", "x\n")).toBeUndefined();
    expect(compareFile("f", "x\n", "y\n")?.patch).toMatch(/^-x$\n^\+y$/m);
  });
});
