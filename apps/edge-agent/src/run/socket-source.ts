/**
 * Suricata's `unix_stream` EVE output (https://docs.suricata.io/en/latest/output/eve/eve-json-output.html, `filetype:
 * unix_stream`): Suricata connects to a listening Unix socket and writes NDJSON. Each connection gets its own
 * `Ingestor` fed with tailer-shaped events (`open`, line-aligned `data` from a `LineAssembler`, `close`), so
 * parsing, dead-lettering and batching are the same as for files. Reading a connection is paused while the
 * pipeline applies backpressure (Suricata then blocks or drops on its side, as it does for a slow socket reader).
 *
 * A socket has no durable position: events in flight when the agent dies are lost (Suricata does not replay). Use
 * a file input where every event counts.
 * @module
 */
import { lstat, unlink } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { LineAssembler } from "../input/line-assembler.js";
import type { TailedFile } from "../input/tailer.js";
import type { Core } from "../options.js";
import { Ingestor } from "../pipeline/ingest.js";
import type { InputSource, SourceFeed } from "./source.js";

/** Thrown when the socket path is taken by something that is not a stale socket. */
export class SocketPathError extends Error {
  override readonly name = "SocketPathError";
  constructor(
    message: string,
    /** The socket path. */
    readonly path: string,
  ) {
    super(message);
  }
}

/** Listens on a Unix socket for EVE NDJSON; see the module documentation. */
export class SocketSource implements InputSource {
  /** The socket path. */
  readonly name: string;
  readonly #core: Core;
  readonly #log: { warn(o: object, m: string): void; info(o: object, m: string): void };
  #connections = 0;

  /**
   * @param path - socket path (a stale socket file there is replaced).
   * @param core - parser options etc. (from `createCore`).
   * @param log - for connection events.
   */
  constructor(path: string, core: Core, log: { warn(o: object, m: string): void; info(o: object, m: string): void }) {
    this.name = path;
    this.#core = core;
    this.#log = log;
  }

  /** Connections accepted so far. */
  get connections(): number {
    return this.#connections;
  }

  /**
   * Listens until `signal` aborts, then closes the server and every connection and removes the socket file.
   *
   * @throws {SocketPathError} if a non-socket file is at the path; the `listen` error (EADDRINUSE, EACCES).
   */
  async run(feed: SourceFeed, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    await this.#clearStale();
    const sockets = new Set<Socket>();
    const handlers = new Set<Promise<void>>();
    const server: Server = createServer((sock) => {
      sockets.add(sock);
      const h = this.#connection(sock, feed, signal).finally(() => {
        sockets.delete(sock);
        handlers.delete(h);
      });
      handlers.add(h);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.name, () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.#log.info({ socket: this.name }, "listening for unix_stream EVE");
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener("abort", () => resolve(), { once: true });
    });
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
    await Promise.allSettled([...handlers]);
    await unlink(this.name).catch(() => undefined); // already gone: nothing to clean
  }

  /** Sockets have no durable position: nothing to save. */
  saveCheckpoint(): Promise<boolean> {
    return Promise.resolve(false);
  }

  /** Not meaningful for a socket. */
  lagBytes(): Promise<number | undefined> {
    return Promise.resolve(undefined);
  }

  async #clearStale(): Promise<void> {
    try {
      const st = await lstat(this.name);
      if (!st.isSocket()) throw new SocketPathError(`${this.name} exists and is not a socket`, this.name);
      await unlink(this.name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }

  async #connection(sock: Socket, feed: SourceFeed, signal: AbortSignal): Promise<void> {
    const n = ++this.#connections;
    const ing = new Ingestor(this.#core);
    const file: TailedFile = { path: `${this.name}#${n}`, dev: "unix", ino: String(n), fingerprint: "", fingerprintBytes: 0 };
    const asm = new LineAssembler(this.#core.options.maxLineBytes);
    let offset = 0;
    await feed(ing, { type: "open", file, offset: 0, reason: "start" });
    try {
      for await (const chunk of sock as AsyncIterable<Buffer>) {
        for (const c of asm.push(chunk)) {
          await feed(ing, { type: "data", file, offset, data: c.data, complete: c.complete });
          offset += c.data.length;
        }
        if (signal.aborted) break;
      }
      const last = asm.end();
      if (last && !signal.aborted) {
        await feed(ing, { type: "data", file, offset, data: last.data, complete: false });
        offset += last.data.length;
      }
    } catch (err) {
      if (!signal.aborted) this.#log.warn({ err, socket: this.name, connection: n }, "unix_stream connection failed");
    } finally {
      sock.destroy();
    }
    await feed(ing, { type: "close", file, offset, reason: signal.aborted ? "aborted" : "eof" });
  }
}
