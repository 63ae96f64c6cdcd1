/** The lazy stand-ins that keep gRPC/protobuf (BuildKit sessions) and ssh2 out of the daemon until used. */
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { deferredDockerodeFiles, installLazyFunctionModule } from "../src/docker/dockerode-load.js";

const req = createRequire(import.meta.url);
const fixture = (name: string) => fileURLToPath(new URL(`fixtures/lazy/${name}`, import.meta.url));
const loads = () => (globalThis as { __lazyLoads?: number }).__lazyLoads ?? 0;

describe("installLazyFunctionModule", () => {
  it("defers evaluation to the first call, then forwards arguments and this to the real function", () => {
    const file = fixture("counted.cjs");
    const before = loads();
    expect(installLazyFunctionModule(req, file)).toBe(true);
    const f = req(file) as (this: unknown, a: number, b: number) => { self: unknown; sum: number };
    expect(loads()).toBe(before); // required, not evaluated
    const self = { me: 1 };
    expect(f.call(self, 2, 3)).toEqual({ self, sum: 5 });
    expect(loads()).toBe(before + 1);
    expect(f(1, 1).sum).toBe(2);
    expect(loads()).toBe(before + 1); // evaluated once
    expect((req(file) as typeof f)(4, 4).sum).toBe(8); // the cache now holds the real module
    expect(req.cache[file]?.exports).not.toBe(f);
  });

  it("does nothing for a module already loaded or a missing file", () => {
    expect(installLazyFunctionModule(req, fixture("counted.cjs"))).toBe(false); // loaded by the previous test
    expect(installLazyFunctionModule(req, fixture("missing.cjs"))).toBe(false);
  });

  it("throws a TypeError on first call when the real module does not export a function", () => {
    const file = fixture("not-a-function.cjs");
    expect(installLazyFunctionModule(req, file)).toBe(true);
    expect(() => (req(file) as () => void)()).toThrow(TypeError);
  });
});

describe("loadDockerode", () => {
  it("finds the two deferred files in the installed dockerode/docker-modem", () => {
    const files = deferredDockerodeFiles(req);
    expect(files.map((f) => f.split(/[\\/]/).slice(-3).join("/"))).toEqual(["dockerode/lib/session.js", "docker-modem/lib/ssh.js"]);
  });

  it("in a fresh process: loads dockerode without @grpc/grpc-js, protobufjs or ssh2, and the stand-ins load them on use", () => {
    const src = fileURLToPath(new URL("../src/docker/dockerode-load.ts", import.meta.url));
    const script = `
      import { createRequire } from "node:module";
      import { loadDockerode, deferredDockerodeFiles } from ${JSON.stringify(src)};
      const req = createRequire(import.meta.url);
      const heavy = () => Object.keys(req.cache).filter((k) => /[\\\\/](@grpc|protobufjs|ssh2)[\\\\/]/.test(k)).length;
      const Docker = loadDockerode();
      const d = new Docker({ socketPath: "/nonexistent.sock" });
      const before = heavy();
      const [session, ssh] = deferredDockerodeFiles(req).map((f) => req.cache[f].exports);
      // ssh.js builds an http.Agent over an ssh2 Client without connecting: calling it loads ssh2 for real.
      const agent = ssh({ host: "127.0.0.1" });
      const afterSsh = heavy();
      process.stdout.write(JSON.stringify({ before, afterSsh, modem: typeof d.modem, agent: typeof agent.createConnection, session: typeof session, same: Docker === loadDockerode() }));`;
    const out = JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", cwd: fileURLToPath(new URL("..", import.meta.url)) })) as Record<string, unknown>;
    expect(out).toMatchObject({ before: 0, modem: "object", agent: "function", session: "function", same: true });
    expect(out["afterSsh"]).toBeGreaterThan(0);
  });
});
