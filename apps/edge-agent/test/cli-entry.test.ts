// The built entry point (dist/cli.js, built by `pnpm --filter edge-agent build`, which turbo runs before the tests)
// hands the process environment to `opensearch create-domain`: SOC__ overrides apply to the plan, and a
// `{ secretRef: { env } }` master password is looked up in it.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
let dir: string;
beforeAll(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`pnpm --filter edge-agent build\` first`);
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "edge-cli-entry-"));
  await writeFile(
    join(dir, "soc.yaml"),
    [
      "version: 1",
      "project: { name: entry-test }",
      "opensearch:",
      "  mode: aws",
      "  region: eu-west-1",
      "  domainName: ids2-soc",
      "  fineGrainedAccess: { enabled: true, masterUserName: soc-admin, masterUserPassword: { secretRef: { env: EDGE_TEST_MASTER_PASSWORD } } }",
      "",
    ].join("\n"),
  );
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("SOC__") && !k.startsWith("AWS_") && k !== "EDGE_TEST_MASTER_PASSWORD"));
  const child = spawn(process.execPath, [cli, ...args], { cwd: dir, env: { ...base, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stdout, stderr })));
}

describe("edge-agent entry point (built CLI)", { timeout: 30_000 }, () => {
  it("applies SOC__ environment overrides to the create-domain plan (dry run: no AWS call)", async () => {
    const r = await run(["opensearch", "create-domain", "--dry-run", "--config", "soc.yaml"], { SOC__OPENSEARCH__DOMAIN_NAME: "from-env" });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Plan: create OpenSearch Service domain "from-env" in eu-west-1$/m);
    expect(r.stdout).toMatch(/internal master user "soc-admin" \(password <secret: env EDGE_TEST_MASTER_PASSWORD>\)/);
    expect(r.stdout).toMatch(/\(dry run: no AWS call was made\)/);
  });

  it("resolves the master password from the environment before any AWS call", async () => {
    // No AWS credentials anywhere (no env, no files, no instance metadata): the first AWS call fails fast.
    const noAws = { AWS_EC2_METADATA_DISABLED: "true", AWS_SHARED_CREDENTIALS_FILE: join(dir, "none"), AWS_CONFIG_FILE: join(dir, "none") };
    const missing = await run(["opensearch", "create-domain", "--config", "soc.yaml", "--yes"], noAws);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/environment variable EDGE_TEST_MASTER_PASSWORD .* is not set/);
    const set = await run(["opensearch", "create-domain", "--config", "soc.yaml", "--yes"], { ...noAws, EDGE_TEST_MASTER_PASSWORD: "s3cret-Passw0rd" });
    expect(set.stderr).toMatch(/DescribeDomain failed: CredentialsProviderError/); // got past the secret
    expect(set.code).toBe(1);
    expect(set.stderr + set.stdout).not.toMatch(/s3cret-Passw0rd/);
  });
});
