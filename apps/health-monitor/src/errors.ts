/**
 * Typed errors of the health monitor. Each carries the context needed to act on it; the CLI maps
 * {@link EngineUnreachableError} to exit code 2.
 */

/** `DOCKER_HOST` (or `apps.healthMonitor.docker.host`) is not a supported address. */
export class DockerHostError extends Error {
  override readonly name = "DockerHostError";
  /** @param value the address as given. @param reason what is wrong with it. */
  constructor(
    readonly value: string,
    readonly reason: string,
  ) {
    super(`invalid DOCKER_HOST ${JSON.stringify(value)}: ${reason}`);
  }
}

/**
 * The Docker engine could not be reached (socket missing, connection refused, permission denied,
 * timeout, TLS failure). `reason` is a one-line human explanation; `code` the Node/OS error code when known.
 */
export class EngineUnreachableError extends Error {
  override readonly name = "EngineUnreachableError";
  /** @param endpoint where we tried (e.g. `unix:///var/run/docker.sock`). @param reason why it failed. */
  constructor(
    readonly endpoint: string,
    readonly reason: string,
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(`Docker engine at ${endpoint} is unreachable: ${reason}`, options);
  }
}

/** The engine answered with an HTTP error (e.g. 404 for a vanished container, 500 for a failed restart). */
export class EngineApiError extends Error {
  override readonly name = "EngineApiError";
  /** @param operation what we asked (e.g. `restart 3f2a…`). @param statusCode the HTTP status, when known. */
  constructor(
    readonly operation: string,
    readonly statusCode: number | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${operation}: ${statusCode === undefined ? "" : `HTTP ${statusCode}: `}${message}`, options);
  }
}

/** Node/OS error codes that mean "the engine is not there" rather than "the engine refused the request". */
const UNREACHABLE_CODES: Readonly<Record<string, string>> = {
  ENOENT: "socket not found",
  ECONNREFUSED: "connection refused",
  EACCES: "permission denied on the socket",
  EPERM: "permission denied on the socket",
  ETIMEDOUT: "connection timed out",
  ECONNRESET: "connection reset",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ENOTFOUND: "host name not found",
  EAI_AGAIN: "host name lookup failed",
  EPIPE: "connection closed",
  DEPTH_ZERO_SELF_SIGNED_CERT: "TLS: self-signed certificate",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "TLS: certificate not trusted",
  ERR_TLS_CERT_ALTNAME_INVALID: "TLS: certificate does not match the host",
};

/**
 * Classifies an error thrown by the Docker client.
 * @returns an {@link EngineUnreachableError} when the engine could not be reached at all, an
 *   {@link EngineApiError} when it answered with an HTTP error, or the error itself otherwise.
 */
export function classifyEngineError(err: unknown, endpoint: string, operation: string): Error {
  if (err instanceof EngineUnreachableError || err instanceof EngineApiError) return err;
  const e = err as { code?: unknown; statusCode?: unknown; message?: unknown; json?: unknown; reason?: unknown };
  const code = typeof e?.code === "string" ? e.code : undefined;
  const message = typeof e?.message === "string" ? e.message : String(err);
  if (code !== undefined && code in UNREACHABLE_CODES) {
    return new EngineUnreachableError(endpoint, `${UNREACHABLE_CODES[code]} (${code}: ${message})`, code, { cause: err });
  }
  if (/timeout/i.test(message) && typeof e?.statusCode !== "number") {
    return new EngineUnreachableError(endpoint, `request timed out (${message})`, "ETIMEDOUT", { cause: err });
  }
  if (typeof e?.statusCode === "number") {
    const json = e.json as { message?: unknown } | undefined;
    const detail = typeof json?.message === "string" ? json.message : typeof e.reason === "string" ? e.reason : message;
    return new EngineApiError(operation, e.statusCode, detail, { cause: err });
  }
  return err instanceof Error ? err : new Error(message);
}
