// Readiness: named checks an app registers (OpenSearch reachable, spool writable, …), run together
// with a timeout each, for the /readyz endpoint.

/** What a check may return: nothing or `true` passes; `false` or `{ ok: false, reason }` fails. */
export type ReadinessOutcome = void | boolean | { ok: boolean; reason?: string };

/**
 * A readiness check. It fails when it throws, rejects, returns `false` or `{ ok: false }`, or does not
 * settle within its timeout; `signal` is aborted at the timeout so the check can cancel its I/O.
 */
export type ReadinessCheck = (signal: AbortSignal) => ReadinessOutcome | Promise<ReadinessOutcome>;

export interface ReadinessCheckOptions {
  /** How long the check may take, in milliseconds. Default: the registry's `defaultTimeoutMs`. */
  timeoutMs?: number;
}

export interface ReadinessCheckResult {
  name: string;
  ok: boolean;
  /** Why the check failed (error message, "timed out after N ms", …); absent when it passed. */
  reason?: string;
  /** Wall time the check took, in milliseconds. */
  durationMs: number;
}

export interface ReadinessReport {
  ready: boolean;
  /** One result per registered check, in registration order. */
  checks: ReadinessCheckResult[];
}

export interface ReadinessChecksOptions {
  /** Timeout of a check registered without one, in milliseconds. Default 2000. */
  defaultTimeoutMs?: number;
}

export const DEFAULT_READINESS_TIMEOUT_MS = 2_000;

interface Entry {
  check: ReadinessCheck;
  timeoutMs: number;
}

function assertTimeout(value: number, what: string): void {
  if (!Number.isFinite(value) || value <= 0 || value > 2_147_483_647) {
    throw new TypeError(`${what} must be a positive number of milliseconds, got ${value}`);
  }
}

/** The readiness checks of one process. Checks run concurrently; the report is ready when all pass. */
export class ReadinessChecks {
  readonly defaultTimeoutMs: number;
  readonly #checks = new Map<string, Entry>();
  #running: Promise<ReadinessReport> | undefined;

  constructor(options: ReadinessChecksOptions = {}) {
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_READINESS_TIMEOUT_MS;
    assertTimeout(this.defaultTimeoutMs, "defaultTimeoutMs");
  }

  /**
   * Registers a check under a unique name (lowercase letters, digits, `.`, `_`, `-`), e.g.
   * `register("opensearch", async (signal) => { await client.ping({ signal }) })`.
   * Returns a function that unregisters it.
   */
  register(name: string, check: ReadinessCheck, options: ReadinessCheckOptions = {}): () => void {
    if (typeof name !== "string" || !/^[a-z0-9][a-z0-9._-]{0,62}$/.test(name)) {
      throw new TypeError(`readiness check name ${JSON.stringify(name)} must match ^[a-z0-9][a-z0-9._-]{0,62}$`);
    }
    if (typeof check !== "function") throw new TypeError(`readiness check ${name} must be a function`);
    if (this.#checks.has(name)) throw new Error(`readiness check ${name} is already registered`);
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    assertTimeout(timeoutMs, `timeoutMs of readiness check ${name}`);
    const entry: Entry = { check, timeoutMs };
    this.#checks.set(name, entry);
    return () => {
      if (this.#checks.get(name) === entry) this.#checks.delete(name);
    };
  }

  /** Removes a check; returns whether it was registered. */
  unregister(name: string): boolean {
    return this.#checks.delete(name);
  }

  /** Names of the registered checks, in registration order. */
  names(): string[] {
    return [...this.#checks.keys()];
  }

  /**
   * Runs every check concurrently and reports. Calls made while a run is in progress share it, so a
   * burst of probes does not multiply the load on the dependencies being checked.
   */
  run(): Promise<ReadinessReport> {
    if (!this.#running) {
      const entries = [...this.#checks.entries()];
      this.#running = Promise.all(entries.map(([name, entry]) => runOne(name, entry)))
        .then((checks) => ({ ready: checks.every((c) => c.ok), checks }))
        .finally(() => {
          this.#running = undefined;
        });
    }
    return this.#running;
  }
}

export function createReadinessChecks(options: ReadinessChecksOptions = {}): ReadinessChecks {
  return new ReadinessChecks(options);
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === "string" ? error : `threw ${JSON.stringify(error) ?? String(error)}`;
}

async function runOne(name: string, entry: Entry): Promise<ReadinessCheckResult> {
  const started = performance.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ ok: false; reason: string }>((resolve) => {
    timer = setTimeout(() => {
      const reason = `timed out after ${entry.timeoutMs} ms`;
      controller.abort(new Error(reason));
      resolve({ ok: false, reason });
    }, entry.timeoutMs);
  });
  const attempt = (async (): Promise<{ ok: boolean; reason?: string }> => {
    try {
      const outcome = await entry.check(controller.signal);
      if (outcome === false) return { ok: false, reason: "check returned false" };
      if (outcome && typeof outcome === "object" && outcome.ok === false) {
        return { ok: false, reason: outcome.reason ?? "check reported not ok" };
      }
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: describeError(error) };
    }
  })();
  try {
    const { ok, reason } = await Promise.race([attempt, timeout]);
    const durationMs = Math.round((performance.now() - started) * 1000) / 1000;
    return ok ? { name, ok, durationMs } : { name, ok, reason: reason ?? "failed", durationMs };
  } finally {
    clearTimeout(timer);
  }
}
