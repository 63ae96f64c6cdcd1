/**
 * Scalar building blocks shared by every section of the config: quantities (memory, CPUs, durations),
 * identifiers, secret references. Values stay in the user's notation (e.g. `"512M"`, `"30s"`) so a printed
 * config reads like the file; {@link parseMemoryBytes} and {@link parseDurationSeconds} convert them.
 */
import { z } from "zod";
import { RULE_IDS } from "../security/rules.js";

/**
 * Pattern for memory sizes: a number with an optional binary/decimal unit, as Compose accepts (`512m`, `2G`,
 * `1.5GiB`). Case-insensitive through character classes rather than the `i` flag, so the generated JSON Schema
 * `pattern` (which has no flags) accepts exactly the same strings.
 */
export const MEMORY_PATTERN = /^(\d+(?:\.\d+)?)\s*([bB]|[kmgtKMGT](?:[iI]?[bB])?)?$/;
/** Pattern for durations in Compose/Go notation: `30s`, `1m30s`, `500ms`, `1h`, `2d`. */
export const DURATION_PATTERN = /^(?:\d+(?:\.\d+)?(?:ms|us|s|m|h|d))+$/;

const UNIT_BYTES: Record<string, number> = {
  b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2,
  g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3, t: 1024 ** 4, tb: 1024 ** 4, tib: 1024 ** 4,
};

/**
 * Converts a memory size to bytes. Units are binary, as Docker and Compose read them (`1G` = 1024³ bytes);
 * a bare number is bytes. Source: https://docs.docker.com/reference/compose-file/extension/#specifying-byte-values
 * @throws {RangeError} when the value does not match {@link MEMORY_PATTERN}.
 */
export function parseMemoryBytes(value: string | number): number {
  if (typeof value === "number") return value;
  const m = MEMORY_PATTERN.exec(value.trim());
  if (!m) throw new RangeError(`not a memory size: ${JSON.stringify(value)} (expected e.g. 512M, 2G, 1.5GiB or bytes)`);
  return Math.round(Number(m[1]) * (UNIT_BYTES[(m[2] ?? "b").toLowerCase()] ?? 1));
}

/**
 * Formats bytes for people: the largest binary unit that keeps the number readable (`3.5 GiB`).
 */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i += 1; }
  return `${Number.isInteger(v) ? v : v.toFixed(2).replace(/\.?0+$/, "")} ${units[i]}`;
}

const DURATION_UNIT_SECONDS: Record<string, number> = { us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600, d: 86400 };

/**
 * Converts a duration in Go/Compose notation (`1m30s`, `500ms`) to seconds.
 * Source: https://pkg.go.dev/time#ParseDuration (plus `d` for days, as Prometheus accepts).
 * @throws {RangeError} when the value does not match {@link DURATION_PATTERN}.
 */
export function parseDurationSeconds(value: string): number {
  if (!DURATION_PATTERN.test(value)) throw new RangeError(`not a duration: ${JSON.stringify(value)} (expected e.g. 30s, 1m30s, 500ms)`);
  let total = 0;
  for (const m of value.matchAll(/(\d+(?:\.\d+)?)(ms|us|s|m|h|d)/g)) total += Number(m[1]) * (DURATION_UNIT_SECONDS[m[2] as string] ?? 0);
  return total;
}

/** A memory size: `"512M"`, `"2G"`, `"1.5GiB"` or a whole number of bytes. */
export const Memory = z
  .union([z.string().regex(MEMORY_PATTERN, "expected a memory size such as 512M, 2G or 1.5GiB"), z.number().int().positive()])
  .describe("Memory size: a number of bytes or a string with a binary unit (512M, 2G, 1.5GiB).");

/** A CPU amount in cores (`0.5` = half a core), as Compose `cpus` and Kubernetes CPU units. */
export const Cpus = z.number().positive().max(1024).describe("CPU cores (0.5 = half a core).");

/** A duration such as `30s`, `1m30s`, `500ms`. */
export const Duration = z.string().regex(DURATION_PATTERN, "expected a duration such as 30s, 1m30s or 500ms").describe("Duration in Go notation: 500ms, 30s, 1m30s, 1h, 2d.");

/** A lowercase DNS-label style name: the form Compose service names, Kubernetes names and volume names share. */
export const Name = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9_.-]{0,61}[a-z0-9])?$/, "expected a lowercase name (a-z, 0-9, '-', '_', '.'), starting and ending with a letter or digit, at most 63 characters");

/** A TCP/UDP port number. */
export const Port = z.number().int().min(1).max(65535);

/** Log levels of the apps (pino's level names). */
export const LogLevel = z.enum(["trace", "debug", "info", "warn", "error", "fatal"]);

/** Names an environment variable: the POSIX portable set, so it works in every shell and in Compose `${VAR}`. */
export const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "expected an environment variable name ([A-Za-z_][A-Za-z0-9_]*)");

/** A key of a container's environment: like {@link EnvName} but also allowing `.` and `-`, which
 * Elasticsearch/OpenSearch images read as settings (`discovery.type`). */
export const EnvKey = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, "expected an environment variable name ([A-Za-z_][A-Za-z0-9_.-]*)");

/**
 * A reference to a secret, never the secret itself: `{ secretRef: { env: NAME } }` (read from the deploying
 * environment), `{ secretRef: { file: path } }` (a file on the deploying host, relative to the config file) or
 * `{ secretRef: { name: secret } }` (an entry of the top-level `secrets` section). Generators turn these into
 * `${NAME}` interpolation, Compose secrets or Kubernetes `secretKeyRef`s; printouts show `<redacted: …>`.
 */
export const SecretRef = z
  .strictObject({
    secretRef: z.union([
      z.strictObject({ env: EnvName.describe("Environment variable that holds the secret at deploy time.") }),
      z.strictObject({ file: z.string().min(1).describe("File that holds the secret, relative to the config file.") }),
      z.strictObject({ name: Name.describe("Name of an entry in the top-level `secrets` section.") }),
    ]),
  })
  .describe("A reference to a secret (never the value): { secretRef: { env: NAME } }, { secretRef: { file: path } } or { secretRef: { name: secret } }.");
/** @see {@link SecretRef} */
export type SecretRef = z.infer<typeof SecretRef>;

/** True when `v` has the shape of a {@link SecretRef} (used by redaction and generators). */
export function isSecretRef(v: unknown): v is SecretRef {
  return typeof v === "object" && v !== null && !Array.isArray(v) && "secretRef" in v && Object.keys(v).length === 1;
}

/** A waiver of a security rule for one service or app: the rule id and why it is acceptable here. */
export const Waiver = z.strictObject({
  rule: z.enum(RULE_IDS, { error: (i) => `unknown security rule ${JSON.stringify(i.input)}: expected one of ${RULE_IDS.join(", ")}` })
    .describe("Id of a rule in the security catalogue (see SECURITY_RULES)."),
  reason: z.string().min(10, "say why (at least 10 characters): a waiver without a reason is not reviewable"),
});
/** @see {@link Waiver} */
export type Waiver = z.infer<typeof Waiver>;
