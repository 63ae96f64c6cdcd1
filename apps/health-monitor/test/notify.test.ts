import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { noticeText, NotifyError, webhookNotifier } from "../src/index.js";

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

async function listen(status: number, delayMs = 0): Promise<{ url: string; bodies: unknown[] }> {
  const bodies: unknown[] = [];
  server = createServer((req: IncomingMessage, res) => {
    let b = "";
    req.on("data", (c: Buffer) => (b += c.toString()));
    req.on("end", () => {
      bodies.push({ method: req.method, type: req.headers["content-type"], body: JSON.parse(b) as unknown });
      setTimeout(() => {
        res.statusCode = status;
        res.end("ok");
      }, delayMs);
    });
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", () => r()));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/hook`, bodies };
}

const notice = { action: "restarted" as const, container: "web", id: "abc", attempt: 2, time: "2026-11-22T00:00:00.000Z" };

describe("webhookNotifier", () => {
  it("POSTs the notice as JSON with a human text", async () => {
    const { url, bodies } = await listen(204);
    await webhookNotifier(url).notify(notice);
    expect(bodies).toEqual([{ method: "POST", type: "application/json", body: { text: "autoheal restarted unhealthy container web (attempt 2)", ...notice } }]);
  });

  it("throws NotifyError on a non-2xx answer, a timeout and a refused connection", async () => {
    const { url } = await listen(500);
    await expect(webhookNotifier(url).notify(notice)).rejects.toMatchObject({ name: "NotifyError", status: 500 });
    await new Promise<void>((r) => server!.close(() => r()));
    const slow = await listen(200, 500);
    await expect(webhookNotifier(slow.url, 50).notify(notice)).rejects.toBeInstanceOf(NotifyError);
    await expect(webhookNotifier("http://127.0.0.1:1/x", 1000).notify(notice)).rejects.toBeInstanceOf(NotifyError);
  });

  it("words every action", () => {
    expect(noticeText({ ...notice, action: "circuit-open" })).toMatch(/circuit breaker open/);
    expect(noticeText({ ...notice, action: "would-restart" })).toMatch(/dry run/);
    expect(noticeText({ ...notice, action: "restart-failed", error: "boom" })).toBe("autoheal could not restart web: boom");
  });
});
