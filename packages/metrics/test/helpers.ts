// Shared test helpers: real HTTP on 127.0.0.1, raw sockets for keep-alive control, external tools.
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { request as httpRequest } from "node:http";
import { type Socket, connect } from "node:net";
import path from "node:path";

/** Absolute path of an executable on PATH (or in the usual sbin/bin folders), or undefined. */
export function findTool(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter), "/usr/bin", "/usr/local/bin", "/usr/sbin"];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * A Debian-packaged tool the tests need. Outside CI a missing tool skips the suite; under CI=true it
 * is a failure (the tests throw), never a skip.
 */
export function requiredTool(name: string, debianPackage: string): { path: string | undefined; skip: boolean; need(): string } {
  const found = findTool(name);
  return {
    path: found,
    skip: !found && process.env.CI !== "true",
    need() {
      if (!found) {
        throw new Error(`${name} not found: install it with apt-get install -y --no-install-recommends ${debianPackage}`);
      }
      return found;
    },
  };
}

/** Runs promtool check metrics with the exposition on stdin. */
export function promtoolCheck(promtool: string, exposition: string): { status: number | null; output: string } {
  const result = spawnSync(promtool, ["check", "metrics"], { input: exposition, encoding: "utf8", timeout: 20_000 });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request on its own connection (no keep-alive). */
export function get(url: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? "GET", headers: options.headers ?? {}, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.setTimeout(15_000, () => req.destroy(new Error(`request to ${url} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

/** A raw TCP connection speaking HTTP/1.1 keep-alive, to observe exactly when the server closes it. */
export class RawConnection {
  readonly socket: Socket;
  readonly closed: Promise<void>;
  isClosed = false;
  #buffer = "";
  #waiters: Array<() => void> = [];

  private constructor(socket: Socket) {
    this.socket = socket;
    this.closed = new Promise((resolve) => {
      socket.once("close", () => {
        this.isClosed = true;
        resolve();
        this.#wake();
      });
    });
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      this.#buffer += chunk;
      this.#wake();
    });
    socket.on("error", () => {
      // a reset shows up as close
    });
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port }, () => {
        socket.off("error", reject);
        resolve(new RawConnection(socket));
      });
      socket.once("error", reject);
    });
  }

  #wake(): void {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }

  /** Sends a GET and resolves with the response; rejects if the connection closes first. */
  async get(pathname: string, headers: Record<string, string> = {}): Promise<HttpResult> {
    const lines = [`GET ${pathname} HTTP/1.1`, "Host: 127.0.0.1", "Connection: keep-alive"];
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
    this.socket.write(`${lines.join("\r\n")}\r\n\r\n`);
    for (;;) {
      const parsed = this.#parse();
      if (parsed) return parsed;
      if (this.isClosed) throw new Error(`connection closed before the response to ${pathname}`);
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  #parse(): HttpResult | undefined {
    const end = this.#buffer.indexOf("\r\n\r\n");
    if (end < 0) return undefined;
    const [statusLine = "", ...headerLines] = this.#buffer.slice(0, end).split("\r\n");
    const headers: Record<string, string> = {};
    for (const line of headerLines) {
      const colon = line.indexOf(":");
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers["content-length"] ?? 0);
    const bodyStart = end + 4;
    if (Buffer.byteLength(this.#buffer.slice(bodyStart)) < length) return undefined;
    const body = this.#buffer.slice(bodyStart, bodyStart + length);
    this.#buffer = this.#buffer.slice(bodyStart + length);
    return { status: Number(statusLine.split(" ")[1]), headers, body };
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A promise plus its resolve function, to hold a check open until the test says so. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
