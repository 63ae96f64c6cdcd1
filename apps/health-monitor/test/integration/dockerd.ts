/**
 * Test harness: a private Docker engine (Debian `docker.io`'s dockerd) on a unix socket in a fresh temp
 * dir, with its own data and exec roots, no bridge and no iptables changes; and a tiny `soc-test/busybox`
 * image imported from a rootfs built here out of Debian's `busybox-static` (nothing is pulled).
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, openSync, readFileSync, readSync, closeSync, rmSync, symlinkSync, mkdirSync, copyFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

const firstExecutable = (paths: string[]) =>
  paths.find((p) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });

/** True when the ELF file has no program interpreter (statically linked). */
function isStatic(path: string): boolean {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(4096);
    readSync(fd, buf, 0, buf.length, 0);
    return !buf.includes(Buffer.from("/ld-linux")) && !buf.includes(Buffer.from("/ld-musl"));
  } finally {
    closeSync(fd);
  }
}

/** What the integration tests need on this machine, or why they cannot run. */
export function prerequisites(): { ok: true; dockerd: string; docker: string; busybox: string } | { ok: false; reason: string } {
  const dockerd = firstExecutable(["/usr/sbin/dockerd", "/usr/bin/dockerd"]);
  const docker = firstExecutable(["/usr/bin/docker", "/usr/local/bin/docker"]);
  const busybox = firstExecutable(["/bin/busybox", "/usr/bin/busybox"]);
  if (!dockerd || !docker) return { ok: false, reason: "dockerd/docker not found (apt-get install -y docker.io)" };
  if (!busybox || !isStatic(busybox)) return { ok: false, reason: "static busybox not found (apt-get install -y busybox-static)" };
  if (process.getuid?.() !== 0) return { ok: false, reason: "dockerd needs root" };
  return { ok: true, dockerd, docker, busybox };
}

/** GET /_ping over the socket; resolves true on `OK`. */
function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: "/_ping", timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

/** A running private engine. */
export class TestDockerd {
  readonly dir: string;
  readonly socket: string;
  private proc: ChildProcess | undefined;
  private logFd: number | undefined;
  private readonly bins: { dockerd: string; docker: string; busybox: string };

  constructor(bins: { dockerd: string; docker: string; busybox: string }) {
    this.bins = bins;
    this.dir = mkdtempSync(join(tmpdir(), "soc-hm-"));
    this.socket = join(this.dir, "docker.sock");
  }

  get host(): string {
    return `unix://${this.socket}`;
  }

  /** Starts dockerd and waits until `_ping` answers (up to `timeoutMs`). */
  async start(timeoutMs = 60_000): Promise<void> {
    this.logFd = openSync(join(this.dir, "dockerd.log"), "a");
    this.proc = spawn(
      this.bins.dockerd,
      [
        "--host", this.host,
        "--data-root", join(this.dir, "data"),
        "--exec-root", join(this.dir, "exec"),
        "--pidfile", join(this.dir, "docker.pid"),
        "--bridge=none", "--iptables=false", "--ip6tables=false", "--ip-masq=false",
        "--shutdown-timeout", "2",
        "--log-level", "warn",
      ],
      { stdio: ["ignore", this.logFd, this.logFd] },
    );
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (this.proc.exitCode !== null) throw new Error(`dockerd exited with ${this.proc.exitCode}:\n${this.log().slice(-2000)}`);
      if (await ping(this.socket)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`dockerd did not answer _ping within ${timeoutMs} ms:\n${this.log().slice(-2000)}`);
  }

  /** Stops dockerd (SIGTERM, then SIGKILL after `timeoutMs`) and waits for it to exit. */
  async stop(timeoutMs = 20_000): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => p.once("exit", () => resolve()));
    p.kill("SIGTERM");
    const timer = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
    await exited;
    clearTimeout(timer);
    if (this.logFd !== undefined) closeSync(this.logFd);
    this.logFd = undefined;
  }

  /** Removes every container, stops the engine and deletes the temp dir (best effort, errors reported). */
  async destroy(): Promise<string[]> {
    const problems: string[] = [];
    if (this.proc) {
      try {
        const { stdout } = await this.docker(["ps", "-aq"]);
        const ids = stdout.split("\n").filter(Boolean);
        if (ids.length > 0) await this.docker(["rm", "-f", ...ids]);
      } catch (err) {
        problems.push(`rm containers: ${(err as Error).message}`);
      }
    }
    await this.stop();
    try {
      rmSync(this.dir, { recursive: true, force: true, maxRetries: 3 });
    } catch (err) {
      problems.push(`rm ${this.dir}: ${(err as Error).message}`);
    }
    return problems;
  }

  /** Runs the docker CLI against this engine. */
  docker(args: string[]): Promise<{ stdout: string; stderr: string }> {
    return run(this.bins.docker, args, { env: { ...process.env, DOCKER_HOST: this.host }, timeout: 60_000 });
  }

  /** Builds a busybox rootfs tarball and imports it as `ref` (e.g. `soc-test/busybox:1`). */
  async importBusybox(...refs: string[]): Promise<void> {
    const root = join(this.dir, "rootfs");
    mkdirSync(join(root, "bin"), { recursive: true });
    for (const d of ["tmp", "etc", "proc", "sys", "dev"]) mkdirSync(join(root, d), { recursive: true });
    copyFileSync(this.bins.busybox, join(root, "bin", "busybox"));
    const { stdout } = await run(this.bins.busybox, ["--list"]);
    for (const applet of stdout.split("\n").filter((a) => a && a !== "busybox")) symlinkSync("busybox", join(root, "bin", applet));
    writeFileSync(join(root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n");
    const tar = join(this.dir, "rootfs.tar");
    await run("tar", ["-C", root, "-cf", tar, "."]);
    const [first, ...rest] = refs;
    if (!first) return;
    await this.docker(["import", "--change", "ENV PATH=/bin", tar, first]);
    for (const r of rest) await this.docker(["tag", first, r]);
  }

  log(): string {
    try {
      return readFileSync(join(this.dir, "dockerd.log"), "utf8");
    } catch {
      return "";
    }
  }
}
