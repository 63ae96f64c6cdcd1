/**
 * `@soc/config` → the run settings of `edge-agent run`: `apps.edgeAgent` (EVE input, shipper, metrics port) and
 * `opensearch` (target, auth, index prefix, retention) become {@link RunSettings} — the {@link CoreOptions} of the
 * shipping core, the shipper's concurrency/timeout/gzip/retry, the inputs, the state paths and a resolved
 * {@link OpenSearchTarget}. Secret references (`{ secretRef: { env | file | name } }`) are resolved here, from the
 * `env` the entry point passes in and from files relative to the config file; nothing below reads the environment.
 * @module
 */
import { createHash } from "node:crypto";
import { readFile as fsReadFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { loadConfig, parseDurationSeconds, parseMemoryBytes, type SecretRef, type SocConfig } from "@soc/config";
import type { BufferOptions } from "./buffer/index.js";
import type { OpenSearchAuth, OpenSearchTarget } from "./opensearch/target.js";
import type { CoreOptions } from "./options.js";
import type { ConnectivitySettings } from "./supervise/connectivity-checker.js";
import { connectivitySettingsFromConfig, throttleSettingsFromConfig } from "./supervise/settings.js";
import type { ThrottleThresholds } from "./supervise/throttle-controller.js";

/** Settings of the `_bulk` sender. */
export interface ShipperSettings {
  /** Concurrent `_bulk` requests (1..64). */
  readonly concurrency: number;
  /** Per-request timeout, ms. */
  readonly requestTimeoutMs: number;
  /** gzip request bodies. */
  readonly compression: boolean;
  /** Attempts per item before giving up; 0 = retry forever. */
  readonly maxAttempts: number;
}

/** Everything `edge-agent run` needs, with every path absolute and every secret resolved. */
export interface RunSettings {
  /** Core options shared by every input (`evePath`/`checkpointPath` are set per file by {@link checkpointPathFor}). */
  readonly core: Partial<CoreOptions> & Pick<CoreOptions, "sensorId">;
  /** EVE files to tail (absolute). */
  readonly evePaths: readonly string[];
  /** Unix socket for Suricata's `unix_stream` EVE output, if configured (absolute). */
  readonly socketPath?: string;
  /** Directory of the per-file checkpoints. */
  readonly checkpointDir: string;
  /** NDJSON file of dead-lettered records. */
  readonly deadLetterPath: string;
  readonly shipper: ShipperSettings;
  readonly opensearch: OpenSearchTarget;
  /** Index prefix and ISM retention for the index setup. */
  readonly indexSetup: { readonly indexPrefix: string; readonly retentionDays: number };
  /** Port of /metrics, /healthz, /readyz. */
  readonly metricsPort: number;
  /** pino level. */
  readonly logLevel: string;
  /** `apps.edgeAgent.buffer` as configured (see {@link RunSettings.bufferOptions} for the resolved form). */
  readonly buffer: SocConfig["apps"]["edgeAgent"]["buffer"];
  /**
   * The durable buffer used while OpenSearch is unreachable, resolved: disk `maxBytes` in bytes, spool `dir`
   * absolute, Redis `url` with its secret reference resolved. Optional so hand-built settings (tests) may omit it;
   * `runSettingsFromConfig` always sets it.
   */
  readonly bufferOptions?: BufferOptions;
  /** `apps.edgeAgent.connectivity` in milliseconds (probe interval/timeout, hysteresis counts, DNS names). */
  readonly connectivity?: ConnectivitySettings;
  /** `apps.edgeAgent.throttle`: hysteresis thresholds per resource signal and the sampling interval in ms. */
  readonly throttle?: { readonly thresholds: ThrottleThresholds; readonly intervalMs: number };
  /**
   * `apps.edgeAgent.memory`: growth of V8 heap + Buffer memory, in bytes, that makes a full garbage collection due,
   * and the largest share of one core they may use (see `run/gc-pacer.ts`); absent = `collectEvery: off` (V8
   * decides).
   */
  readonly gcPacing?: { readonly everyBytes: number; readonly maxShare: number };
}

/** Where secrets and relative paths come from. */
export interface ResolveContext {
  /** Directory of the config file; relative paths resolve from it. */
  readonly baseDir: string;
  /** Environment for `secretRef.env` (passed down from the entry point). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The config's top-level `secrets` section, for `secretRef.name`. */
  readonly secrets: SocConfig["secrets"];
  /** Reads a secret file. Default `fs.readFile(path, "utf8")`. */
  readonly readFile?: (path: string) => Promise<string>;
  /** Host name, the last fallback of the sensor id. */
  readonly hostname?: string;
}

/** Thrown when a secret reference cannot be resolved (variable unset, file unreadable, unknown name). */
export class SecretResolutionError extends Error {
  override readonly name = "SecretResolutionError";
  constructor(
    message: string,
    /** Where the secret was looked for, e.g. `env OS_PASSWORD` (never the value). */
    readonly where: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Resolves one secret reference to its value.
 *
 * - `{ env: NAME }` → `env[NAME]` (must be set and non-empty);
 * - `{ file: path }` → the file's content (relative to `baseDir`), one trailing newline removed;
 * - `{ name: x }` → the `secrets.x` entry, itself `{ env }` or `{ file }`.
 *
 * @throws {SecretResolutionError} naming where it looked, never the value.
 */
export async function resolveSecretRef(ref: SecretRef, ctx: ResolveContext): Promise<string> {
  const r = ref.secretRef;
  if ("name" in r) {
    const entry = ctx.secrets[r.name];
    if (!entry) throw new SecretResolutionError(`secret ${JSON.stringify(r.name)} is not defined in the secrets section`, `name ${r.name}`);
    return resolveSecretRef({ secretRef: "env" in entry ? { env: entry.env } : { file: entry.file } }, ctx);
  }
  if ("env" in r) {
    const v = ctx.env[r.env];
    if (v === undefined || v === "") throw new SecretResolutionError(`environment variable ${r.env} is not set`, `env ${r.env}`);
    return v;
  }
  const path = resolve(ctx.baseDir, r.file);
  try {
    const text = await (ctx.readFile ?? ((p: string) => fsReadFile(p, "utf8")))(path);
    return text.replace(/\r?\n$/, "");
  } catch (err) {
    throw new SecretResolutionError(`cannot read secret file ${path}: ${(err as Error).message}`, `file ${path}`, { cause: err });
  }
}

const ms = (duration: string): number => Math.round(parseDurationSeconds(duration) * 1000);

async function targetFrom(os: SocConfig["opensearch"], ctx: ResolveContext): Promise<OpenSearchTarget> {
  if (os.mode === "aws") return { mode: "aws", region: os.region, domainName: os.domainName };
  const a = os.auth;
  let auth: OpenSearchAuth;
  if (a.type === "basic") auth = { type: "basic", username: a.username, password: await resolveSecretRef(a.password, ctx) };
  else if (a.type === "sigv4") auth = { type: "sigv4", region: a.region, service: a.service };
  else auth = { type: "none" };
  return {
    mode: "endpoint",
    url: os.url,
    auth,
    tls: { ...(os.tls.caFile === undefined ? {} : { caFile: resolve(ctx.baseDir, os.tls.caFile) }), insecureSkipVerify: os.tls.insecureSkipVerify },
  };
}

/**
 * Maps a validated config to run settings.
 *
 * Sensor id: `apps.edgeAgent.sensorId`, else `host.name`, else `ctx.hostname`, else `project.name`.
 * Log level: `apps.edgeAgent.logLevel`, else `logging.level`.
 *
 * @param config - from `loadConfig`/`parseConfig` (defaults resolved).
 * @param ctx - base directory, environment and secrets for resolution.
 * @throws {SecretResolutionError} when the basic-auth password cannot be resolved.
 */
export async function runSettingsFromConfig(config: SocConfig, ctx: ResolveContext): Promise<RunSettings> {
  const ea = config.apps.edgeAgent;
  const sh = ea.shipper;
  const sensorId = ea.sensorId ?? config.host.name ?? ctx.hostname ?? config.project.name;
  return {
    core: {
      sensorId,
      indexPrefix: config.opensearch.indexPrefix,
      eventTypes: [...ea.eve.eventTypes],
      maxLineBytes: ea.eve.maxLineBytes,
      batchMaxEvents: sh.batchMaxEvents,
      batchMaxBytes: parseMemoryBytes(sh.batchMaxBytes),
      flushIntervalMs: ms(sh.flushInterval),
      retryBaseMs: Math.max(1, ms(sh.retry.initialDelay)),
      retryCapMs: Math.max(1, ms(sh.retry.maxDelay), ms(sh.retry.initialDelay)),
    },
    evePaths: ea.eve.paths.map((p) => resolve(ctx.baseDir, p)),
    ...(ea.eve.socket === undefined ? {} : { socketPath: resolve(ctx.baseDir, ea.eve.socket) }),
    checkpointDir: resolve(ctx.baseDir, ea.eve.checkpointDir),
    deadLetterPath: resolve(ctx.baseDir, ea.eve.deadLetterPath),
    shipper: {
      concurrency: sh.concurrency,
      requestTimeoutMs: ms(sh.requestTimeout),
      compression: sh.compression,
      maxAttempts: sh.retry.maxAttempts,
    },
    opensearch: await targetFrom(config.opensearch, ctx),
    indexSetup: { indexPrefix: config.opensearch.indexPrefix, retentionDays: config.opensearch.retentionDays },
    metricsPort: ea.metricsPort,
    logLevel: ea.logLevel ?? config.logging.level,
    buffer: ea.buffer,
    bufferOptions: await bufferOptionsFrom(ea.buffer, ctx, resolve(ctx.baseDir, ea.eve.checkpointDir), sensorId),
    connectivity: connectivitySettingsFromConfig(ea.connectivity),
    throttle: throttleSettingsFromConfig(ea.throttle),
    ...(ea.memory.collectEvery === "off" ? {} : { gcPacing: { everyBytes: parseMemoryBytes(ea.memory.collectEvery), maxShare: ea.memory.collectMaxShare } }),
  };
}

/**
 * Resolves the `apps.edgeAgent.buffer` section: disk → `{ type: "disk", dir (absolute), maxBytes (bytes) }`, `dir`
 * relative to the config file's directory, or when omitted `<checkpointDir>/spool` (the schema's documented
 * default: the spool stays beside the checkpoints it goes with, so two agents with their own state directories
 * never share a spool); redis → `{ type: "redis", url (secret resolved), stream, maxLen, consumerGroup }`, `stream`
 * when omitted `soc:eve:<sensorId>` (the schema's documented default: one stream per sensor, see the README).
 *
 * @param checkpointDir - the resolved, absolute `eve.checkpointDir` (the schema's default is `/var/lib/soc/edge-agent`).
 * @param sensorId - the resolved sensor id (see {@link runSettingsFromConfig}); names the default Redis stream.
 * @throws {SecretResolutionError} when the Redis URL is a secret reference that cannot be resolved.
 */
export async function bufferOptionsFrom(
  buffer: SocConfig["apps"]["edgeAgent"]["buffer"],
  ctx: ResolveContext,
  checkpointDir: string,
  sensorId: string,
): Promise<BufferOptions> {
  if (buffer.type === "disk") {
    const dir = buffer.dir === undefined ? resolve(checkpointDir, "spool") : resolve(ctx.baseDir, buffer.dir);
    return { type: "disk", dir, maxBytes: parseMemoryBytes(buffer.maxBytes) };
  }
  const url = typeof buffer.url === "string" ? buffer.url : await resolveSecretRef(buffer.url, ctx);
  return { type: "redis", url, stream: buffer.stream ?? `soc:eve:${sensorId}`, maxLen: buffer.maxLen, consumerGroup: buffer.consumerGroup };
}

/**
 * Checkpoint file of one EVE path: `<dir>/<basename>-<8 hex of SHA-256(path)>.checkpoint.json`, so two inputs
 * with the same file name in different directories never share a checkpoint.
 *
 * @param checkpointDir - absolute directory.
 * @param evePath - absolute EVE path.
 */
export function checkpointPathFor(checkpointDir: string, evePath: string): string {
  const tag = createHash("sha256").update(evePath).digest("hex").slice(0, 8);
  return resolve(checkpointDir, `${basename(evePath)}-${tag}.checkpoint.json`);
}

/**
 * Loads a config file (with `SOC__…` overrides from `env`) and maps it.
 *
 * @param file - config path.
 * @param env - the process environment, passed down by the CLI.
 * @param hostname - the host name, sensor id fallback.
 * @throws {ConfigError} (from `@soc/config`) for an invalid file; {@link SecretResolutionError}.
 */
export async function loadRunSettings(file: string, env: Readonly<Record<string, string | undefined>>, hostname?: string): Promise<RunSettings> {
  const { config, baseDir } = await loadConfig(file, { env: { ...env } });
  return runSettingsFromConfig(config, { baseDir, env, secrets: config.secrets, ...(hostname === undefined ? {} : { hostname }) });
}
