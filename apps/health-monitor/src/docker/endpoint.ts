/**
 * `DOCKER_HOST` parsing: `unix:///path`, `tcp://host:port` (TLS when certificates are given, as the Docker
 * CLI does with `DOCKER_TLS_VERIFY`), `http://` and `https://`. Pure; the CLI entry reads the environment.
 * Source: https://docs.docker.com/engine/reference/commandline/cli/#environment-variables
 */
import { DockerHostError } from "../errors.js";

/** Paths of the PEM files for a TLS connection (the Docker CLI's `ca.pem`, `cert.pem`, `key.pem`). */
export interface TlsFiles {
  ca: string;
  cert: string;
  key: string;
}

/** Where the engine is. */
export type DockerEndpoint =
  | { kind: "unix"; socketPath: string }
  | { kind: "tcp"; host: string; port: number; protocol: "http" | "https"; tls?: TlsFiles };

/**
 * Parses a Docker host address.
 * @param value e.g. `unix:///var/run/docker.sock`, `tcp://10.0.0.5:2376`, `/var/run/docker.sock`.
 * @param tls certificate files; when given, `tcp://` uses HTTPS (default port 2376, else 2375).
 * @throws {DockerHostError} for an empty value, an unsupported scheme (`ssh://`, `npipe://`), a missing
 *   host or path, or an invalid port.
 */
export function parseDockerHost(value: string, tls?: TlsFiles): DockerEndpoint {
  const v = value.trim();
  if (v === "") throw new DockerHostError(value, "empty");
  if (v.startsWith("/")) return { kind: "unix", socketPath: v };
  const m = /^([a-z]+):\/\/(.*)$/i.exec(v);
  if (!m) throw new DockerHostError(value, "expected unix:///path or tcp://host:port");
  const scheme = (m[1] ?? "").toLowerCase();
  const rest = m[2] ?? "";
  if (scheme === "unix") {
    if (!rest.startsWith("/")) throw new DockerHostError(value, "unix socket path must be absolute");
    return { kind: "unix", socketPath: rest };
  }
  if (scheme !== "tcp" && scheme !== "http" && scheme !== "https") {
    throw new DockerHostError(value, `unsupported scheme ${scheme}:// (use unix:// or tcp://)`);
  }
  const hostPort = rest.replace(/\/.*$/, "");
  const hp = /^(\[[0-9a-f:.]+\]|[^:]+)(?::(\d+))?$/i.exec(hostPort);
  if (!hp || !hp[1]) throw new DockerHostError(value, "missing host");
  const secure = scheme === "https" || (scheme === "tcp" && tls !== undefined);
  const port = hp[2] === undefined ? (secure ? 2376 : 2375) : Number(hp[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new DockerHostError(value, `invalid port ${hp[2]}`);
  const host = hp[1].replace(/^\[|\]$/g, "");
  return { kind: "tcp", host, port, protocol: secure ? "https" : "http", ...(tls ? { tls } : {}) };
}

/** The endpoint written back as an address, for logs and error messages. */
export function formatEndpoint(e: DockerEndpoint): string {
  return e.kind === "unix" ? `unix://${e.socketPath}` : `${e.protocol === "https" ? "tcp+tls" : "tcp"}://${e.host.includes(":") ? `[${e.host}]` : e.host}:${e.port}`;
}
