/**
 * `edge-agent opensearch create-domain` run in-process through createProgram, against OpenSearchClient mocked with
 * aws-sdk-client-mock (no AWS here). Sleep and clock are fake, so waits take no time.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import {
  AccessDeniedException, CreateDomainCommand, DescribeDomainCommand, OpenSearchClient, ResourceNotFoundException, ThrottlingException,
  UpdateDomainConfigCommand, ValidationException, type DomainStatus,
} from "@aws-sdk/client-opensearch";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { toCreateDomainInput } from "../../src/aws/domain-input.js";
import { createProgram } from "../../src/cli-program.js";
import type { OpenSearchCliIo } from "../../src/commands/opensearch/register.js";
import { domainConfig, statusFor } from "./support.js";

const osMock = mockClient(OpenSearchClient);
const meta = (httpStatusCode: number, requestId: string) => ({ httpStatusCode, requestId, attempts: 1, totalRetryDelay: 0 });
const notFound = () => new ResourceNotFoundException({ message: "Domain not found: ids2-soc", $metadata: meta(409, "req-nf") });

const ARN = "arn:aws:iam::123456789012:role/os-admin";
const CONFIG = `version: 1
project: { name: t }
opensearch:
  mode: aws
  region: eu-west-1
  domainName: ids2-soc
  fineGrainedAccess: { masterUserArn: "${ARN}" }
`;
const desired = toCreateDomainInput(domainConfig());
const active = statusFor(desired);
const creating: DomainStatus = { ...active, Processing: true, DomainProcessingStatus: "Creating", Endpoint: undefined };

let dir: string;
let configFile: string;
beforeEach(async () => {
  osMock.reset();
  dir = await mkdtemp(join(tmpdir(), "edge-create-domain-"));
  configFile = join(dir, "soc.yaml");
  await writeFile(configFile, CONFIG);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface RunOptions {
  interactive?: boolean;
  answer?: boolean;
  env?: Record<string, string>;
}

async function run(args: string[], o: RunOptions = {}) {
  let out = "";
  let err = "";
  let code = 0;
  let progress = "";
  let t = 0;
  const regions: string[] = [];
  const questions: string[] = [];
  const sleeps: number[] = [];
  const stderr = new PassThrough();
  stderr.on("data", (c: Buffer) => (progress += c.toString()));
  const io: OpenSearchCliIo = {
    out: (s) => (out += `${s}\n`),
    err: (s) => (err += `${s}\n`),
    setExitCode: (c) => (code = c),
    opensearch: {
      env: o.env ?? {},
      createClient: (region) => {
        regions.push(region);
        return new OpenSearchClient({ region, credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test" } });
      },
      stdin: new PassThrough(),
      stderr,
      interactive: o.interactive ?? true,
      confirm: async (q) => {
        questions.push(q);
        return o.answer ?? true;
      },
      sleep: async (ms) => {
        sleeps.push(ms);
        t += ms;
      },
      now: () => t,
      random: () => 0.5,
    },
  };
  const program = createProgram(io).exitOverride();
  for (const c of [program, ...program.commands, ...program.commands.flatMap((c) => c.commands)]) {
    c.exitOverride().configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
  }
  try {
    await program.parseAsync(["node", "edge-agent", "opensearch", "create-domain", "--config", configFile, ...args]);
  } catch (e) {
    code = (e as { exitCode?: number }).exitCode ?? 1;
  }
  await new Promise((r) => setImmediate(r));
  return { out, err, code, progress, regions, questions, sleeps, elapsedMs: t };
}

describe("edge-agent opensearch create-domain", () => {
  it("--dry-run prints the plan and makes no AWS call (no client, no secret needed)", async () => {
    await writeFile(configFile, CONFIG.replace(`masterUserArn: "${ARN}"`, "masterUserName: admin, masterUserPassword: { secretRef: { env: OS_PW } }"));
    const r = await run(["--dry-run"]);
    expect(r.code).toBe(0);
    expect(osMock.calls()).toHaveLength(0);
    expect(r.regions).toEqual([]);
    expect(r.out).toContain('Plan: create OpenSearch Service domain "ids2-soc" in eu-west-1');
    expect(r.out).toContain('internal master user "admin" (password <secret: env OS_PW>)');
    expect(r.out).toContain("(dry run: no AWS call was made)");
  });

  it("creates a missing domain after confirmation, waits through Processing with a progress bar, prints the endpoint", async () => {
    osMock.on(DescribeDomainCommand).rejectsOnce(notFound()).resolvesOnce({ DomainStatus: creating }).resolvesOnce({ DomainStatus: creating }).resolves({ DomainStatus: active });
    osMock.on(CreateDomainCommand).resolves({ DomainStatus: creating });
    const r = await run(["--poll-interval", "20"]);
    expect(r.code).toBe(0);
    expect(r.regions).toEqual(["eu-west-1"]);
    expect(r.questions).toEqual(['Create OpenSearch Service domain "ids2-soc" in eu-west-1? AWS bills it by the hour']);
    expect(osMock.commandCalls(CreateDomainCommand).map((c) => c.args[0].input)).toEqual([desired]);
    expect(osMock.commandCalls(DescribeDomainCommand)).toHaveLength(4);
    expect(r.sleeps).toEqual([20_000, 20_000]);
    expect(r.out).toContain("Plan: create OpenSearch Service domain");
    expect(r.out).toContain('Domain "ids2-soc" is ready: https://search-ids2-soc-abc123.eu-west-1.es.amazonaws.com');
    expect(r.progress).toMatch(/waiting for ids2-soc \[.*\] 0\/3600 s \| Creating/);
    expect(r.progress).toMatch(/waiting for ids2-soc \[.*\] 40\/3600 s \| Active/);
  });

  it("is idempotent: an equal domain is reported up to date with no change call", async () => {
    osMock.on(DescribeDomainCommand).resolves({ DomainStatus: active });
    const r = await run([]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Domain "ids2-soc" is up to date: https://search-ids2-soc-abc123.eu-west-1.es.amazonaws.com');
    expect(osMock.commandCalls(CreateDomainCommand)).toHaveLength(0);
    expect(osMock.commandCalls(UpdateDomainConfigCommand)).toHaveLength(0);
    expect(r.questions).toEqual([]);
  });

  it("shows the diff of a different domain, confirms, sends only the changes and waits", async () => {
    await writeFile(configFile, `${CONFIG}  instanceCount: 2\n  ebs: { volumeSizeGiB: 40 }\n`);
    osMock.on(DescribeDomainCommand)
      .resolvesOnce({ DomainStatus: active })
      .resolvesOnce({ DomainStatus: { ...active, Processing: true, DomainProcessingStatus: "Modifying" } })
      .resolves({ DomainStatus: active });
    osMock.on(UpdateDomainConfigCommand).resolves({ DomainConfig: {} });
    const r = await run(["--yes"]);
    expect(r.code).toBe(0);
    expect(r.questions).toEqual([]);
    expect(r.out).toContain("~ ClusterConfig.InstanceCount: 1 → 2");
    expect(r.out).toContain("~ EBSOptions.VolumeSize: 10 → 40");
    expect(osMock.commandCalls(UpdateDomainConfigCommand).map((c) => c.args[0].input)).toEqual([
      { DomainName: "ids2-soc", ClusterConfig: { InstanceCount: 2 }, EBSOptions: { EBSEnabled: true, VolumeSize: 40 } },
    ]);
    expect(osMock.commandCalls(CreateDomainCommand)).toHaveLength(0);
    expect(r.out).toContain('Domain "ids2-soc" is ready:');
  });

  it("resumes waiting for a matching domain that is still processing (re-run after a timeout)", async () => {
    osMock.on(DescribeDomainCommand).resolvesOnce({ DomainStatus: creating }).resolvesOnce({ DomainStatus: creating }).resolves({ DomainStatus: active });
    const r = await run([]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("matches the config and is still processing a change; waiting for it");
    expect(r.out).toContain('Domain "ids2-soc" is ready:');
    expect(r.questions).toEqual([]);
    expect(osMock.commandCalls(CreateDomainCommand)).toHaveLength(0);
    expect(osMock.commandCalls(UpdateDomainConfigCommand)).toHaveLength(0);
  });

  it("reports an engine version difference as an upgrade without sending it", async () => {
    osMock.on(DescribeDomainCommand).resolves({ DomainStatus: { ...active, EngineVersion: "OpenSearch_2.11" } });
    const r = await run([]);
    expect(r.code).toBe(0);
    expect(r.err).toContain("EngineVersion: OpenSearch_2.11 → OpenSearch_2.13 is an upgrade, not applied by create-domain");
    expect(osMock.commandCalls(UpdateDomainConfigCommand)).toHaveLength(0);
  });

  it("retries throttled calls with backoff, then succeeds", async () => {
    const throttled = () => new ThrottlingException({ message: "Rate exceeded", $metadata: meta(429, "req-t") });
    osMock.on(DescribeDomainCommand).rejectsOnce(throttled()).rejectsOnce(throttled()).resolves({ DomainStatus: active });
    const r = await run([]);
    expect(r.code).toBe(0);
    expect(osMock.commandCalls(DescribeDomainCommand)).toHaveLength(3);
    expect(r.sleeps).toEqual([250, 500]);
    expect(r.err).toContain("DescribeDomain: ThrottlingException (attempt 1), retrying in 0.3 s");
    expect(r.out).toContain("is up to date");
  });

  it("fails on AccessDenied with the AWS message and request id, exit 1, nothing created", async () => {
    osMock.on(DescribeDomainCommand).rejects(new AccessDeniedException({ message: "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: es:DescribeDomain", $metadata: meta(403, "4c1f-req") }));
    const r = await run(["--yes"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("DescribeDomain failed: AccessDeniedException: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: es:DescribeDomain (HTTP 403, request id 4c1f-req)");
    expect(osMock.commandCalls(DescribeDomainCommand)).toHaveLength(1);
    expect(osMock.commandCalls(CreateDomainCommand)).toHaveLength(0);
  });

  it("fails on a CreateDomain validation error with the AWS message", async () => {
    osMock.on(DescribeDomainCommand).rejects(notFound());
    osMock.on(CreateDomainCommand).rejects(new ValidationException({ message: "Invalid instance type: t3.small.search does not support encryption at rest", $metadata: meta(400, "req-v") }));
    const r = await run(["--yes"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("CreateDomain failed: ValidationException: Invalid instance type");
    expect(r.err).toContain("request id req-v");
  });

  it("times out when the domain keeps processing, exit 1", async () => {
    osMock.on(DescribeDomainCommand).rejectsOnce(notFound()).resolves({ DomainStatus: creating });
    osMock.on(CreateDomainCommand).resolves({ DomainStatus: creating });
    const r = await run(["--yes", "--timeout", "2", "--poll-interval", "30"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("domain ids2-soc still processing after 120 s (state Creating)");
    expect(r.elapsedMs).toBe(120_000);
    expect(osMock.commandCalls(DescribeDomainCommand)).toHaveLength(1 + 5);
  });

  it("does nothing when the confirmation is declined, exit 1", async () => {
    osMock.on(DescribeDomainCommand).rejects(notFound());
    const r = await run([], { answer: false });
    expect(r.code).toBe(1);
    expect(r.questions).toHaveLength(1);
    expect(r.out).toContain("Cancelled: nothing was created.");
    expect(osMock.commandCalls(CreateDomainCommand)).toHaveLength(0);
  });

  it("refuses to change anything without --yes when stdin is not a terminal, exit 3", async () => {
    osMock.on(DescribeDomainCommand).rejects(notFound());
    const r = await run([], { interactive: false });
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/stdin is not a terminal.*re-run with --yes/);
    expect(r.questions).toEqual([]);
    expect(osMock.commandCalls(CreateDomainCommand)).toHaveLength(0);
  });

  it("resolves the master password from the env passed in and sends it only to CreateDomain", async () => {
    await writeFile(configFile, CONFIG.replace(`masterUserArn: "${ARN}"`, "masterUserName: admin, masterUserPassword: { secretRef: { env: OS_PW } }"));
    osMock.on(DescribeDomainCommand).rejectsOnce(notFound()).resolves({ DomainStatus: active });
    osMock.on(CreateDomainCommand).resolves({});
    const r = await run(["--yes"], { env: { OS_PW: "Very-secret-9" } });
    expect(r.code).toBe(0);
    expect(osMock.commandCalls(CreateDomainCommand)[0]?.args[0].input.AdvancedSecurityOptions?.MasterUserOptions).toEqual({ MasterUserName: "admin", MasterUserPassword: "Very-secret-9" });
    expect(`${r.out}${r.err}${r.progress}`).not.toContain("Very-secret-9");
  });

  it("fails before any call when the password variable is missing, exit 2", async () => {
    await writeFile(configFile, CONFIG.replace(`masterUserArn: "${ARN}"`, "masterUserName: admin, masterUserPassword: { secretRef: { env: OS_PW } }"));
    const r = await run(["--yes"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("environment variable OS_PW (<secret: env OS_PW>) is not set or empty");
    expect(osMock.calls()).toHaveLength(0);
  });

  it("explains that an endpoint-mode config cannot be provisioned, exit 2", async () => {
    await writeFile(configFile, "version: 1\nproject: { name: t }\nopensearch: { mode: endpoint, url: 'https://os:9200' }\n");
    const r = await run(["--dry-run"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/create-domain needs opensearch\.mode "aws"/);
    expect(osMock.calls()).toHaveLength(0);
  });
});
