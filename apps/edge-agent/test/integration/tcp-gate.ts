// A TCP forwarder in front of the _bulk test double that can make OpenSearch really unreachable: `down()` stops
// listening and resets every open connection (clients get ECONNREFUSED / ECONNRESET, as when the host or the
// service is gone), `up()` listens again on the same port.
import { createConnection, createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

/** See the file comment. */
export class TcpGate {
  readonly #target: { host: string; port: number };
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  #port = 0;

  private constructor(target: URL) {
    this.#target = { host: target.hostname, port: Number(target.port) };
  }

  /** Starts forwarding 127.0.0.1:<ephemeral> → `target` (an `http://host:port` URL). */
  static async start(target: string): Promise<TcpGate> {
    const g = new TcpGate(new URL(target));
    await g.up();
    return g;
  }

  /** `http://127.0.0.1:<port>` of the gate. */
  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Whether it accepts connections. */
  get isUp(): boolean {
    return this.#server !== undefined;
  }

  /** Listens (again, on the same port once one was chosen). */
  async up(): Promise<void> {
    if (this.#server) return;
    const server = createServer((client) => {
      const upstream = createConnection(this.#target);
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on("close", () => this.#sockets.delete(s));
        s.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.#port, "127.0.0.1", () => resolve());
    });
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** Stops listening and resets every forwarded connection. */
  async down(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    for (const s of this.#sockets) s.resetAndDestroy();
    this.#sockets.clear();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
