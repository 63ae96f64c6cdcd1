/** Shared helpers of the alerting tests: observations, a recording HTTP receiver, temp dirs, a test logger. */
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AlertLogger, AnomalyObservation } from "../../src/alert/types.js";

/** An observation with defaults (anomalous CPU alert on host pi-1 at t=0). */
export function obs(over: Partial<AnomalyObservation> = {}): AnomalyObservation {
  return {
    alertname: "HostCpuAnomaly",
    labels: { instance: "pi-1", cpu: "total" },
    anomalous: true,
    score: 0.97,
    value: 0.93,
    severity: "warning",
    summary: "CPU usage 93% is anomalous",
    at: 0,
    ...over,
  };
}

/** One request the {@link Receiver} got. */
export interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** `JSON.parse(body)`. */
  readonly json: unknown;
  /** Status the receiver answered. */
  readonly status: number;
}

/** Decides the answer to a request: a status code, or `"hang"` to never answer. */
export type Responder = (req: { url: string; body: string; n: number }) => number | "hang";

/** A local node:http receiver recording every POST. */
export interface Receiver {
  readonly url: string;
  readonly requests: Received[];
  respond: Responder;
  /** Resolves once `n` requests with a 2xx answer arrived (rejects after `timeoutMs`). */
  waitForOk(n: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

/** Starts a {@link Receiver} on 127.0.0.1 with a random port; answers 200 unless `respond` says otherwise. */
export async function startReceiver(respond: Responder = () => 200): Promise<Receiver> {
  const requests: Received[] = [];
  const hanging = new Set<ServerResponse>();
  let count = 0;
  const state: { respond: Responder } = { respond };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const answer = state.respond({ url: req.url ?? "", body, n: count++ });
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body, json, status: answer === "hang" ? 0 : answer });
      if (answer === "hang") {
        hanging.add(res);
        return;
      }
      res.writeHead(answer, { "content-type": "text/plain" }).end(answer < 300 ? "ok" : "error");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get respond() {
      return state.respond;
    },
    set respond(r: Responder) {
      state.respond = r;
    },
    async waitForOk(n, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        const ok = requests.filter((r) => r.status >= 200 && r.status < 300);
        if (ok.length >= n) return ok;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`timed out waiting for ${n} successful requests (got ${requests.length} requests)`);
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A fresh temp directory; remove it with {@link removeDir}. */
export function tempDir(prefix = "soc-alert-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Removes a directory tree. */
export function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/** A logger that records every line. */
export function recordingLogger(): AlertLogger & { lines: { level: string; obj: object; msg?: string }[] } {
  const lines: { level: string; obj: object; msg?: string }[] = [];
  const at = (level: string) => (obj: object, msg?: string) => void lines.push(msg === undefined ? { level, obj } : { level, obj, msg });
  return { lines, info: at("info"), warn: at("warn"), error: at("error") };
}
