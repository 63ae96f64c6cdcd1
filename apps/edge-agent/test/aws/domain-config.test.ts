import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadDomainConfig, resolveSecretRef } from "../../src/aws/domain-config.js";
import { DomainConfigError } from "../../src/aws/errors.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "edge-domain-config-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("loadDomainConfig", () => {
  it("returns the aws section with defaults and applies SOC__ overrides from the env passed in", async () => {
    const file = join(dir, "soc.yaml");
    await writeFile(file, "version: 1\nproject: { name: t }\nopensearch: { mode: aws, region: eu-west-1, domainName: ids2-soc }\n");
    const { domain, baseDir } = await loadDomainConfig(file, { SOC__OPENSEARCH__INSTANCE_COUNT: "2" });
    expect(domain).toMatchObject({ mode: "aws", domainName: "ids2-soc", instanceCount: 2, instanceType: "t3.small.search", ebs: { volumeType: "gp3" } });
    expect(baseDir).toBe(dir);
  });

  it("says create-domain needs mode aws for an endpoint config", async () => {
    const file = join(dir, "soc.yaml");
    await writeFile(file, "version: 1\nproject: { name: t }\nopensearch: { mode: endpoint, url: 'https://os:9200' }\n");
    const err = await loadDomainConfig(file, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainConfigError);
    expect((err as Error).message).toMatch(/create-domain needs opensearch\.mode "aws".*has mode "endpoint"/);
  });
});

describe("resolveSecretRef", () => {
  const base = { secrets: { pw: { env: "NAMED_PW" }, pwfile: { file: "named.txt" } }, baseDir: "" };

  it("resolves env, file (relative to the config, trailing newline removed) and named secrets", async () => {
    await writeFile(join(dir, "pw.txt"), "from-file\n");
    await writeFile(join(dir, "named.txt"), "named-file");
    const sources = { ...base, baseDir: dir, env: { OS_PW: "from-env", NAMED_PW: "named-env" } };
    expect(await resolveSecretRef({ secretRef: { env: "OS_PW" } }, "x", sources)).toBe("from-env");
    expect(await resolveSecretRef({ secretRef: { file: "pw.txt" } }, "x", sources)).toBe("from-file");
    expect(await resolveSecretRef({ secretRef: { name: "pw" } }, "x", sources)).toBe("named-env");
    expect(await resolveSecretRef({ secretRef: { name: "pwfile" } }, "x", sources)).toBe("named-file");
  });

  it("fails with the config path and the reference, never a value", async () => {
    const sources = { ...base, baseDir: dir, env: {} };
    await expect(resolveSecretRef({ secretRef: { env: "OS_PW" } }, "opensearch.fineGrainedAccess.masterUserPassword", sources)).rejects.toThrow(
      "opensearch.fineGrainedAccess.masterUserPassword: environment variable OS_PW (<secret: env OS_PW>) is not set or empty",
    );
    await expect(resolveSecretRef({ secretRef: { file: "missing.txt" } }, "p", sources)).rejects.toThrow(/p: cannot read secret file .*missing\.txt/);
    await expect(resolveSecretRef({ secretRef: { name: "nope" } }, "p", sources)).rejects.toThrow(/secret "nope" is not declared/);
  });
});
