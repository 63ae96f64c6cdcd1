/**
 * Normalisers from the config's container fields (short or long Compose syntax, user notation) to the
 * model's long forms. Pure functions; paths are resolved with `node:path` string operations only (no IO).
 */
import path from "node:path";
import { parseMemoryBytes, type Healthcheck, type PortMapping, type Resources, type VolumeMount } from "@soc/config";
import type { HealthcheckSpec, MountSpec, PortSpec, ResourceSpec } from "./types.js";

/** Thrown when a config value cannot be turned into the model (a bug in the config schema's checks, or an unsupported form). */
export class ModelError extends Error {
  override readonly name = "ModelError";
  /** @param path config path of the offending value */
  constructor(
    readonly path: string[],
    message: string,
  ) {
    super(`${path.join(".")}: ${message}`);
  }
}

/** Splits on `:` outside `[...]` (IPv6) and `${...}` (interpolation, which may itself hold `:-`). */
export function splitColons(s: string): string[] {
  const out: string[] = [];
  let cur = "";
  let bracket = 0;
  let brace = 0;
  for (let i = 0; i < s.length; i += 1) {
    const c = s[i] as string;
    if (c === "[") bracket += 1;
    else if (c === "]") bracket -= 1;
    else if (c === "$" && s[i + 1] === "{") brace += 1;
    else if (c === "}" && brace > 0) brace -= 1;
    if (c === ":" && bracket === 0 && brace === 0) {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

const asPort = (s: string): number | string => (/^\d+$/.test(s) ? Number(s) : s);

/**
 * Converts a port mapping to the long form. Short syntax: `[host_ip:][published:]target[/protocol]`
 * (https://docs.docker.com/reference/compose-file/services/#ports).
 * @throws {ModelError} for a short form with more than three `:`-separated parts.
 */
export function normalizePort(p: PortMapping, at: string[]): PortSpec {
  if (typeof p !== "string") {
    return {
      target: p.target,
      ...(p.published !== undefined ? { published: typeof p.published === "string" ? asPort(p.published) : p.published } : {}),
      ...(p.hostIp !== undefined ? { hostIp: p.hostIp } : {}),
      protocol: p.protocol,
      ...(p.name !== undefined ? { name: p.name } : {}),
    };
  }
  const slash = p.lastIndexOf("/");
  const hasProto = slash > p.lastIndexOf("}") && /\/(tcp|udp|sctp)$/.test(p);
  const protocol = (hasProto ? p.slice(slash + 1) : "tcp") as PortSpec["protocol"];
  const parts = splitColons(hasProto ? p.slice(0, slash) : p);
  if (parts.length > 3) throw new ModelError(at, `cannot read port mapping "${p}"`);
  const target = asPort(parts[parts.length - 1] as string);
  const published = parts.length >= 2 ? asPort(parts[parts.length - 2] as string) : undefined;
  const hostIp = parts.length === 3 ? (parts[0] as string).replace(/^\[(.*)\]$/, "$1") : undefined;
  return {
    target,
    ...(published !== undefined && published !== "" ? { published } : {}),
    ...(hostIp !== undefined && hostIp !== "" ? { hostIp } : {}),
    protocol,
  };
}

const NAMED_VOLUME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** True when `source` is a relative host path (resolved against the config's folder by {@link resolveHostPath}). */
export function isRelativeHostPath(source: string): boolean {
  return !(source.startsWith("~") || source.startsWith("$") || path.posix.isAbsolute(source));
}

/** Resolves a host path against the config's folder; absolute, `~` and `${VAR}` paths are kept for the engine/Compose. */
export function resolveHostPath(source: string, baseDir: string): string {
  if (!isRelativeHostPath(source)) return source;
  return path.resolve(baseDir, source).split(path.sep).join("/");
}

/**
 * Converts a mount to the long form. Short syntax `source:target[:opts]` — a source matching a volume name is
 * a named volume, anything else a bind mount resolved against `baseDir`; a lone path is an anonymous volume.
 * Source: https://docs.docker.com/reference/compose-file/services/#volumes
 */
export function normalizeMount(m: VolumeMount, baseDir: string): MountSpec {
  if (typeof m !== "string") {
    const bindSource = m.type === "bind" ? m.source : undefined;
    const source = bindSource !== undefined ? resolveHostPath(bindSource, baseDir) : m.source;
    return {
      type: m.type,
      ...(source !== undefined ? { source } : {}),
      target: m.target,
      readOnly: m.readOnly,
      ...(bindSource !== undefined && isRelativeHostPath(bindSource) ? { relative: true } : {}),
    };
  }
  const parts = splitColons(m);
  if (parts.length === 1) return { type: "volume", target: parts[0] as string, readOnly: false };
  const [source, target, opts] = parts as [string, string, string | undefined];
  const options = (opts ?? "").split(",").filter((o) => o !== "" && o !== "ro" && o !== "rw");
  const readOnly = (opts ?? "").split(",").includes("ro");
  const named = NAMED_VOLUME.test(source);
  return {
    type: named ? "volume" : "bind",
    source: named ? source : resolveHostPath(source, baseDir),
    target,
    readOnly,
    ...(!named && isRelativeHostPath(source) ? { relative: true } : {}),
    ...(options.length ? { options } : {}),
  };
}

/** Converts resources: CPUs stay cores, memory becomes bytes (binary units, as Docker reads them). */
export function normalizeResources(r: Resources | undefined): ResourceSpec {
  const amounts = (a: { cpus?: number | undefined; memory?: string | number | undefined; pids?: number | undefined } | undefined) => ({
    ...(a?.cpus !== undefined ? { cpus: a.cpus } : {}),
    ...(a?.memory !== undefined ? { memoryBytes: parseMemoryBytes(a.memory) } : {}),
    ...(a?.pids !== undefined ? { pids: a.pids } : {}),
  });
  return { limits: amounts(r?.limits), reservations: amounts(r?.reservations) };
}

/**
 * Converts a healthcheck to exec-array form: a string test becomes `["CMD-SHELL", test]`; an array not
 * starting with `CMD`, `CMD-SHELL` or `NONE` is taken as an exec command and gets `CMD` prepended.
 */
export function normalizeHealthcheck(h: Healthcheck): HealthcheckSpec {
  let test: string[];
  if (typeof h.test === "string") test = ["CMD-SHELL", h.test];
  else if (["CMD", "CMD-SHELL", "NONE"].includes(h.test[0] ?? "")) test = [...h.test];
  else test = ["CMD", ...h.test];
  return {
    test,
    interval: h.interval,
    timeout: h.timeout,
    retries: h.retries,
    ...(h.startPeriod !== undefined ? { startPeriod: h.startPeriod } : {}),
    ...(h.startInterval !== undefined ? { startInterval: h.startInterval } : {}),
  };
}

/** Sorted, de-duplicated copy of a list. */
export function sortedUnique(xs: Iterable<string>): string[] {
  return [...new Set(xs)].sort();
}

/** Copy of a record with keys in sorted order (stable output whatever the config's key order). */
export function sortRecord<T>(r: Record<string, T> | undefined): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(r ?? {}).sort()) out[k] = (r as Record<string, T>)[k] as T;
  return out;
}
