/**
 * A Compose service (parsed YAML, tags already resolved) → {@link ContainerFacts}, tolerant of what real
 * files contain: short and long `volumes`/`ports`/`devices` syntax, list and map `environment`,
 * `${VAR:-default}` interpolation (judged by its default, so a socket mounted through a variable is still a
 * socket mount), resources under `deploy.resources` or the legacy `mem_limit`/`cpus`/`pids_limit`.
 * Field reference: https://docs.docker.com/reference/compose-file/services/
 */
import { interpolationDefault, parseMemoryBytes, type ContainerFacts, type EnvFact, type MountFact, type PortFact } from "@soc/config";
import { splitColons } from "../model/normalize.js";

/** Something about a service the lint could not look into (e.g. `env_file`). */
export interface FactNote {
  /** YAML path relative to the service (`["env_file"]`). */
  path: (string | number)[];
  message: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
const truthy = (v: unknown): boolean => v === true || (typeof v === "string" && /^(true|yes|on)$/i.test(interpolationDefault(v)));

const NAMED_VOLUME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** A `volumes:` entry → mount fact (short `src:dst[:opts]`, a lone path, or the long form). */
export function mountFact(v: unknown): MountFact | undefined {
  if (typeof v === "string") {
    const parts = splitColons(v);
    if (parts.length === 1) return { type: "volume", source: "", target: v, readOnly: false };
    const [source = "", target = "", opts = ""] = parts;
    const named = NAMED_VOLUME.test(interpolationDefault(source)) && !source.startsWith(".");
    return { type: named ? "volume" : "bind", source, target, readOnly: opts.split(",").includes("ro") };
  }
  if (!isRecord(v)) return undefined;
  const type = str(v.type);
  const known = type === "bind" || type === "volume" || type === "tmpfs" || type === "npipe" ? type : "unknown";
  return { type: known, source: str(v.source) ?? "", target: str(v.target) ?? "", readOnly: truthy(v.read_only) };
}

/** A `ports:` entry → port fact. A port with no published part is published on an ephemeral host port. */
export function portFact(p: unknown): PortFact | undefined {
  if (typeof p === "number") return { published: "ephemeral", target: p };
  if (typeof p === "string") {
    const noProto = p.replace(/\/(tcp|udp|sctp)$/i, "");
    const parts = splitColons(noProto);
    const target = parts[parts.length - 1] ?? noProto;
    const published = parts.length >= 2 ? parts[parts.length - 2] : undefined;
    const hostIp = parts.length >= 3 ? parts.slice(0, parts.length - 2).join(":").replace(/^\[(.*)\]$/, "$1") : undefined;
    return { target, published: published === undefined || published === "" ? "ephemeral" : published, ...(hostIp !== undefined && hostIp !== "" ? { hostIp } : {}) };
  }
  if (!isRecord(p)) return undefined;
  const published = str(p.published);
  const hostIp = str(p.host_ip);
  return { target: str(p.target) ?? "", published: published ?? "ephemeral", ...(hostIp !== undefined ? { hostIp } : {}) };
}

/** `environment` (map or `KEY=value` list) → env facts; a value that is absent (`KEY`, `KEY:`) has no literal. */
export function envFacts(env: unknown): { facts: EnvFact[]; paths: Map<string, (string | number)[]> } {
  const facts: EnvFact[] = [];
  const paths = new Map<string, (string | number)[]>();
  if (Array.isArray(env)) {
    env.forEach((e, i) => {
      const s = str(e);
      if (s === undefined) return;
      const eq = s.indexOf("=");
      const name = eq < 0 ? s : s.slice(0, eq);
      facts.push(eq < 0 ? { name } : { name, literal: s.slice(eq + 1) });
      paths.set(name, ["environment", i]);
    });
  } else if (isRecord(env)) {
    for (const [name, v] of Object.entries(env)) {
      const s = str(v);
      facts.push(s === undefined ? { name } : { name, literal: s });
      paths.set(name, ["environment", name]);
    }
  }
  return { facts, paths };
}

/** A number from a Compose value that may be a string or interpolated; undefined when unreadable. */
function num(v: unknown): number | undefined {
  const s = str(v);
  if (s === undefined) return undefined;
  const n = Number(interpolationDefault(s));
  return Number.isFinite(n) ? n : undefined;
}

function memory(v: unknown): number | undefined {
  const s = str(v);
  if (s === undefined) return undefined;
  try {
    return parseMemoryBytes(interpolationDefault(s).replace(/^(\d+(?:\.\d+)?)\s*([kmgt])b?$/i, "$1$2"));
  } catch {
    // interpolated without a default, or a unit we do not read: a limit is set, its size unknown
    return Number.POSITIVE_INFINITY;
  }
}

/**
 * The facts of one Compose service.
 * @param name service name
 * @param svc the service mapping (tags resolved; see `withoutTags`)
 * @returns the facts, the YAML path (relative to the service) of each env variable, and notes on what
 *   could not be inspected.
 */
export function composeServiceFacts(name: string, svc: Record<string, unknown>): { facts: ContainerFacts; envPaths: Map<string, (string | number)[]>; notes: FactNote[] } {
  const limits = isRecord(svc.deploy) && isRecord(svc.deploy.resources) && isRecord(svc.deploy.resources.limits) ? svc.deploy.resources.limits : {};
  const env = envFacts(svc.environment);
  const notes: FactNote[] = [];
  if (svc.env_file !== undefined) notes.push({ path: ["env_file"], message: `${name}: env_file is not read by the lint; secrets in it are not checked` });
  const hc = svc.healthcheck;
  const hcTest = isRecord(hc) ? hc.test : undefined;
  const hasHealthcheck = isRecord(hc) && !truthy(hc.disable) && !(Array.isArray(hcTest) && hcTest[0] === "NONE") && hcTest !== undefined;
  const memoryLimitBytes = memory(limits.memory) ?? memory(svc.mem_limit);
  const cpuLimit = num(limits.cpus) ?? num(svc.cpus);
  const pidsLimit = num(limits.pids) ?? num(svc.pids_limit);
  const facts: ContainerFacts = {
    name,
    ...(str(svc.image) !== undefined ? { image: str(svc.image) as string } : {}),
    privileged: truthy(svc.privileged),
    ...(str(svc.pid) !== undefined ? { pidMode: interpolationDefault(str(svc.pid) as string) } : {}),
    ...(str(svc.ipc) !== undefined ? { ipcMode: interpolationDefault(str(svc.ipc) as string) } : {}),
    ...(str(svc.network_mode) !== undefined ? { networkMode: interpolationDefault(str(svc.network_mode) as string) } : {}),
    ...(str(svc.user) !== undefined ? { user: interpolationDefault(str(svc.user) as string) } : {}),
    capAdd: list(svc.cap_add).map((c) => str(c) ?? ""),
    capDrop: list(svc.cap_drop).map((c) => str(c) ?? ""),
    mounts: list(svc.volumes).map((v) => mountFact(v) ?? { type: "unknown", source: "", target: "", readOnly: false }),
    devices: list(svc.devices).map((d) => (isRecord(d) ? `${str(d.source) ?? ""}:${str(d.target) ?? ""}` : (str(d) ?? ""))),
    ...(memoryLimitBytes !== undefined ? { memoryLimitBytes } : {}),
    ...(cpuLimit !== undefined ? { cpuLimit } : {}),
    ...(pidsLimit !== undefined ? { pidsLimit } : {}),
    hasHealthcheck,
    readOnlyRootfs: truthy(svc.read_only),
    securityOpt: list(svc.security_opt).map((o) => str(o) ?? ""),
    env: env.facts,
    ports: list(svc.ports).map((p) => portFact(p) ?? { target: "" }),
  };
  return { facts, envPaths: env.paths, notes };
}

/**
 * The YAML path (relative to the service) a finding's fact `field` comes from: `mounts.2` → `volumes.2`,
 * `memoryLimitBytes` → `deploy.resources.limits.memory` (or `mem_limit` when that is what the file uses).
 * For a missing setting it is where the setting belongs.
 */
export function composeFieldPath(field: string, svc: Record<string, unknown>, envPaths: Map<string, (string | number)[]>): (string | number)[] {
  const [head = "", rest] = [field.split(".")[0], field.split(".").slice(1).join(".")];
  const idx = rest !== "" && /^\d+$/.test(rest) ? Number(rest) : undefined;
  const at = (key: string) => (idx !== undefined ? [key, idx] : [key]);
  switch (head) {
    case "mounts": return at("volumes");
    case "ports": return at("ports");
    case "devices": return at("devices");
    case "capAdd": return at("cap_add");
    case "securityOpt": return at("security_opt");
    case "env": return envPaths.get(rest) ?? ["environment", rest];
    case "pidMode": return ["pid"];
    case "ipcMode": return ["ipc"];
    case "networkMode": return ["network_mode"];
    case "readOnlyRootfs": return ["read_only"];
    case "hasHealthcheck": return ["healthcheck"];
    case "memoryLimitBytes": return svc.mem_limit !== undefined ? ["mem_limit"] : ["deploy", "resources", "limits", "memory"];
    case "cpuLimit": return svc.cpus !== undefined ? ["cpus"] : ["deploy", "resources", "limits", "cpus"];
    case "pidsLimit": return svc.pids_limit !== undefined ? ["pids_limit"] : ["deploy", "resources", "limits", "pids"];
    default: return [head];
  }
}
