import { PassThrough } from "node:stream";
import { AccessDeniedException, InternalException, ThrottlingException, type DomainStatus } from "@aws-sdk/client-opensearch";
import { describe, expect, it } from "vitest";
import { AwsApiError, DomainWaitAbortedError, DomainWaitTimeoutError, isThrottlingError } from "../../src/aws/errors.js";
import { createProgressBar } from "../../src/aws/progress.js";
import { callWithRetry } from "../../src/aws/retry.js";
import { domainEndpoint, isDomainReady, waitForDomain, type WaitProgress } from "../../src/aws/wait.js";

const meta = (httpStatusCode: number, requestId: string) => ({ httpStatusCode, requestId, attempts: 1, totalRetryDelay: 0 });

describe("callWithRetry", () => {
  it("retries throttling and 5xx with growing jittered delays, then returns", async () => {
    const errors = [
      new ThrottlingException({ message: "Rate exceeded", $metadata: meta(429, "r1") }),
      new InternalException({ message: "Internal error", $metadata: meta(500, "r2") }),
      Object.assign(new Error("Too Many Requests"), { name: "SomethingNew", $metadata: meta(429, "r3") }),
    ];
    const delays: number[] = [];
    let calls = 0;
    const result = await callWithRetry("DescribeDomain", async () => {
      calls++;
      const e = errors.shift();
      if (e) throw e;
      return "ok";
    }, { sleep: async (ms) => void delays.push(ms), random: () => 0.5, baseMs: 100, capMs: 1000 });
    expect(result).toBe("ok");
    expect(calls).toBe(4);
    expect(delays).toEqual([50, 100, 200]); // 0.5 · min(cap, 100 · 2^n)
  });

  it("gives up after maxAttempts with the last AWS error, its request id and the attempt count", async () => {
    const err = await callWithRetry("CreateDomain", () => Promise.reject(new ThrottlingException({ message: "Rate exceeded", $metadata: meta(400, "req-9") })), {
      sleep: async () => {},
      maxAttempts: 3,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsApiError);
    expect(err).toMatchObject({ operation: "CreateDomain", code: "ThrottlingException", requestId: "req-9", attempts: 3, exitCode: 1 });
    expect((err as Error).message).toBe("CreateDomain failed: ThrottlingException: Rate exceeded (HTTP 400, request id req-9, after 3 attempts)");
  });

  it("retries a reset connection; names a DNS failure by its system code without retrying it", async () => {
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    let calls = 0;
    expect(await callWithRetry("DescribeDomain", async () => (calls++ === 0 ? Promise.reject(reset) : "ok"), { sleep: async () => {} })).toBe("ok");
    const dns = Object.assign(new Error("getaddrinfo ENOTFOUND es.eu-west-1.amazonaws.com"), { code: "ENOTFOUND" });
    calls = 0;
    const err = await callWithRetry("DescribeDomain", () => (calls++, Promise.reject(dns)), { sleep: async () => {} }).catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect((err as Error).message).toBe("DescribeDomain failed: ENOTFOUND: getaddrinfo ENOTFOUND es.eu-west-1.amazonaws.com");
  });

  it("does not retry access denied", async () => {
    let calls = 0;
    const err = await callWithRetry("DescribeDomain", () => {
      calls++;
      return Promise.reject(new AccessDeniedException({ message: "not authorized to perform es:DescribeDomain", $metadata: meta(403, "req-1") }));
    }, { sleep: async () => {} }).catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(err).toMatchObject({ code: "AccessDeniedException", httpStatus: 403, requestId: "req-1", attempts: 1 });
    expect(isThrottlingError(err)).toBe(false);
  });
});

function fakeClock() {
  let t = 1_000_000;
  return { now: () => t, sleep: async (ms: number) => void (t += ms), slept: () => t - 1_000_000 };
}

function recorder(): WaitProgress & { events: string[] } {
  const events: string[] = [];
  return { events, start: (total, s) => void events.push(`start ${total} ${s}`), update: (v, s) => void events.push(`${v} ${s}`), stop: () => void events.push("stop") };
}

const processing: DomainStatus = { DomainId: "x", DomainName: "d", ARN: "a", ClusterConfig: {}, Processing: true, DomainProcessingStatus: "Creating" };
const ready: DomainStatus = { ...processing, Processing: false, DomainProcessingStatus: "Active", Endpoint: "search-d.eu-west-1.es.amazonaws.com" };

describe("waitForDomain", () => {
  it("polls until Processing is false and an endpoint exists, reporting progress in seconds", async () => {
    const seq = [processing, processing, { ...ready, Endpoint: undefined }, ready];
    const clock = fakeClock();
    const progress = recorder();
    const status = await waitForDomain({ domainName: "d", describe: async () => seq.shift() as DomainStatus, intervalMs: 30_000, timeoutMs: 600_000, ...clock, progress });
    expect(status.Endpoint).toBe("search-d.eu-west-1.es.amazonaws.com");
    expect(clock.slept()).toBe(90_000);
    expect(progress.events).toEqual(["start 600 Creating", "0 Creating", "30 Creating", "60 Active", "90 Active", "stop"]);
  });

  it("times out with the last state once the budget is used, polling one last time at the deadline", async () => {
    const clock = fakeClock();
    let polls = 0;
    const progress = recorder();
    const err = await waitForDomain({ domainName: "d", describe: async () => (polls++, processing), intervalMs: 40_000, timeoutMs: 100_000, ...clock, progress }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainWaitTimeoutError);
    expect((err as Error).message).toMatch(/^domain d still processing after 100 s \(state Creating\)/);
    expect(polls).toBe(4); // at 0, 40, 80 and 100 s
    expect(progress.events.at(-1)).toBe("stop");
  });

  it("stops when its signal aborts", async () => {
    const ac = new AbortController();
    const err = await waitForDomain({
      domainName: "d", describe: async () => processing, now: () => 0, signal: ac.signal,
      sleep: async () => { ac.abort(); throw new Error("aborted"); },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainWaitAbortedError);
  });

  it("reads VPC endpoints and refuses deleted domains as ready", () => {
    expect(domainEndpoint({ ...ready, Endpoint: undefined, Endpoints: { vpc: "vpc-d.es.amazonaws.com" } })).toBe("vpc-d.es.amazonaws.com");
    expect(isDomainReady({ ...ready, Deleted: true })).toBe(false);
    expect(isDomainReady({ ...ready, UpgradeProcessing: true })).toBe(false);
  });
});

describe("createProgressBar", () => {
  it("draws a cli-progress bar of the time budget with the state on a non-TTY stream", () => {
    const stream = new PassThrough();
    let text = "";
    stream.on("data", (c: Buffer) => (text += c.toString()));
    const bar = createProgressBar({ label: "waiting for d", stream, nonTtyEveryMs: 60_000 });
    bar.start(600, "Creating");
    bar.update(300, "Modifying");
    bar.stop();
    const lines = text.split("\n").filter((l) => l.trim() !== "");
    expect(lines[0]).toMatch(/^waiting for d \[░{30}\] 0\/600 s \| Creating/);
    expect(lines.at(-1)).toMatch(/^waiting for d \[█{15}░{15}\] 300\/600 s \| Modifying/);
  });
});
