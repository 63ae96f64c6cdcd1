/**
 * One merged Compose service → one config `services.<name>` entry (camelCase fields of @soc/config).
 * Interpolation (`${VAR:-default}`) stays as written wherever the config takes a string; literal values of
 * secret-looking env names become `{ secretRef: { env: NAME } }`; everything the config cannot hold is
 * reported as an {@link ImportNote}. Field reference: https://docs.docker.com/reference/compose-file/services/
 */
import { DURATION_PATTERN, interpolationDefault, isSecretLikeEnvName, MEMORY_PATTERN } from "@soc/config";
import { splitColons } from "../model/normalize.js";
import { composeWaivers, WAIVE_KEY } from "../lint/lint.js";
import type { ImportNote } from "./merge.js";

type Rec = Record<string, unknown>;
const isRecord = (v: unknown): v is Rec => v !== null && typeof v === "object" && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined);
const strList = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]).map((x) => str(x)).filter((x): x is string => x !== undefined);

/** Keys the mapping reads; any other key of a service is reported as not representable. */
const HANDLED = new Set([
  "image", "build", "command", "entrypoint", "working_dir", "hostname", "container_name", "expose", "stop_grace_period", "shm_size",
  "extra_hosts", "profiles", "networks", "volumes", "ports", "depends_on", "environment", "secrets", "healthcheck", "deploy", "restart",
  "labels", "user", "read_only", "cap_add", "cap_drop", "privileged", "pid", "ipc", "network_mode", "security_opt", "ulimits", "tmpfs",
  "devices", "mem_limit", "cpus", "pids_limit", "mem_reservation", "env_file", "configs", WAIVE_KEY,
]);

/** Config short-syntax patterns (from @soc/config's container schema), to keep short forms when they fit. */
const SHORT_PORT = /^(?:(?:\[[0-9a-fA-F:.]+\]|[0-9.]+|\$\{[^}]+\}):)?(?:(?:\d+(?:-\d+)?|\$\{[^}]+\}):)?\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/;
const SHORT_VOLUME = /^[^:]+(:[^:]+)?(:(ro|rw|z|Z|rslave|rshared|rprivate|slave|shared|private|nocopy)(,[a-zA-Z]+)*)?$/;
const CAPABILITY = /^(CAP_)?[A-Z_]+$|^ALL$/;
const USER = /^[a-zA-Z0-9_.-]+(:[a-zA-Z0-9_.-]+)?$/;
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const NETWORK_MODE = /^(host|none|bridge)$|^(service|container):[a-zA-Z0-9_.-]+$/;
const NAMED_VOLUME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** What the service mapping needs to know about the rest of the project. */
export interface ServiceContext {
  notes: ImportNote[];
  /** Named volumes the service uses (to declare undeclared ones). */
  volumesUsed: Set<string>;
  /** Networks the service joins. */
  networksUsed: Set<string>;
  /** Secrets the service mounts. */
  secretsUsed: Set<string>;
  /** Profiles it belongs to. */
  profilesUsed: Set<string>;
}

const port = (v: unknown): number | undefined => {
  const n = Number(str(v));
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? n : undefined;
};

function duration(v: unknown, at: string, ctx: ServiceContext): string | undefined {
  const s = str(v);
  if (s === undefined) return undefined;
  if (DURATION_PATTERN.test(s)) return s;
  const d = interpolationDefault(s);
  ctx.notes.push({ path: at, message: DURATION_PATTERN.test(d) ? `duration "${s}" is interpolated; the config needs a literal, so its default ${d} is used` : `duration "${s}" is not in Go notation; dropped` });
  return DURATION_PATTERN.test(d) ? d : undefined;
}

function memory(v: unknown, at: string, ctx: ServiceContext): string | number | undefined {
  if (typeof v === "number") return v;
  const s = str(v);
  if (s === undefined) return undefined;
  const t = s.trim().replace(/^(\d+(?:\.\d+)?)\s*([kmgtKMGT])[bB]?$/, "$1$2");
  if (MEMORY_PATTERN.test(t)) return t;
  const d = interpolationDefault(s).replace(/^(\d+(?:\.\d+)?)\s*([kmgtKMGT])[bB]?$/, "$1$2");
  ctx.notes.push({ path: at, message: MEMORY_PATTERN.test(d) ? `memory "${s}" is interpolated; the config needs a literal, so its default ${d} is used` : `memory "${s}" cannot be read; dropped` });
  return MEMORY_PATTERN.test(d) ? d : undefined;
}

function cpus(v: unknown, at: string, ctx: ServiceContext): number | undefined {
  const s = str(v);
  if (s === undefined) return undefined;
  const n = Number(s);
  if (Number.isFinite(n) && n > 0) return n;
  const d = Number(interpolationDefault(s));
  ctx.notes.push({ path: at, message: Number.isFinite(d) && d > 0 ? `cpus "${s}" is interpolated; its default ${d} is used` : `cpus "${s}" cannot be read; dropped` });
  return Number.isFinite(d) && d > 0 ? d : undefined;
}

/** A `volumes:` entry → config mount (short string when the config's short syntax holds it). */
function mount(v: unknown, at: string, ctx: ServiceContext): unknown {
  if (typeof v === "string") {
    const parts = splitColons(v);
    const source = parts.length > 1 ? (parts[0] ?? "") : undefined;
    if (source !== undefined && NAMED_VOLUME.test(source)) ctx.volumesUsed.add(source);
    if (SHORT_VOLUME.test(v)) return v;
    if (parts.length === 1) return { type: "volume", target: v };
    const opts = (parts[2] ?? "").split(",").filter((o) => o !== "");
    const lost = opts.filter((o) => o !== "ro" && o !== "rw");
    if (lost.length) ctx.notes.push({ path: at, message: `mount options ${lost.join(",")} of "${v}" cannot be kept with an interpolated source; dropped` });
    return { type: source !== undefined && NAMED_VOLUME.test(source) ? "volume" : "bind", source, target: parts[1] ?? "", readOnly: opts.includes("ro") };
  }
  if (!isRecord(v)) return undefined;
  const type = str(v.type) ?? "volume";
  if (type !== "bind" && type !== "volume" && type !== "tmpfs") {
    ctx.notes.push({ path: at, message: `mount type "${type}" is not supported by the config; dropped` });
    return undefined;
  }
  const source = str(v.source);
  const target = str(v.target) ?? "";
  const readOnly = v.read_only === true || str(v.read_only) === "true";
  if (type === "volume" && source !== undefined) ctx.volumesUsed.add(source);
  const bind = isRecord(v.bind) ? v.bind : {};
  const volume = isRecord(v.volume) ? v.volume : {};
  const opts = [...(readOnly ? ["ro"] : []), ...strList(bind.propagation), ...strList(bind.selinux), ...(volume.nocopy === true ? ["nocopy"] : [])];
  const extra = Object.keys(v).filter((k) => !["type", "source", "target", "read_only", "bind", "volume"].includes(k));
  const extraBind = Object.keys(bind).filter((k) => k !== "propagation" && k !== "selinux");
  const extraVol = Object.keys(volume).filter((k) => k !== "nocopy");
  if (extra.length || extraBind.length || extraVol.length) ctx.notes.push({ path: at, message: `mount settings ${[...extra, ...extraBind.map((k) => `bind.${k}`), ...extraVol.map((k) => `volume.${k}`)].join(", ")} are not supported by the config; dropped` });
  if (source !== undefined && opts.length > (readOnly ? 1 : 0)) {
    const short = `${source}:${target}:${opts.join(",")}`;
    if (SHORT_VOLUME.test(short)) return short;
  }
  return { type, ...(source !== undefined ? { source } : {}), target, readOnly };
}

/** A `ports:` entry → config port (short string when it fits the config's syntax, else the long form). */
function portEntry(p: unknown, at: string, ctx: ServiceContext): unknown {
  if (typeof p === "number") return String(p);
  if (typeof p === "string") {
    if (SHORT_PORT.test(p)) return p;
    const proto = /\/(tcp|udp|sctp)$/.exec(p)?.[1] ?? "tcp";
    const parts = splitColons(p.replace(/\/(tcp|udp|sctp)$/, ""));
    const target = port(parts[parts.length - 1]);
    if (target === undefined) {
      ctx.notes.push({ path: at, message: `port "${p}" has a target the config cannot hold (interpolated or a range with an address); dropped` });
      return undefined;
    }
    const published = parts.length >= 2 ? parts[parts.length - 2] : undefined;
    const hostIp = parts.length >= 3 ? parts.slice(0, -2).join(":").replace(/^\[(.*)\]$/, "$1") : undefined;
    return { target, ...(published ? { published: port(published) ?? published } : {}), ...(hostIp ? { hostIp } : {}), protocol: proto };
  }
  if (!isRecord(p)) return undefined;
  const target = port(p.target);
  if (target === undefined) {
    ctx.notes.push({ path: at, message: `port target ${JSON.stringify(p.target)} is not a port number; dropped` });
    return undefined;
  }
  const extra = Object.keys(p).filter((k) => !["target", "published", "host_ip", "protocol", "name"].includes(k));
  if (extra.length) ctx.notes.push({ path: at, message: `port settings ${extra.join(", ")} are not supported by the config; dropped` });
  const published = p.published === undefined ? undefined : (port(p.published) ?? str(p.published));
  return {
    target,
    ...(published !== undefined ? { published } : {}),
    ...(str(p.host_ip) !== undefined ? { hostIp: str(p.host_ip) } : {}),
    protocol: str(p.protocol) ?? "tcp",
    ...(str(p.name) !== undefined ? { name: str(p.name) } : {}),
  };
}

function envValue(name: string, v: unknown, at: string, ctx: ServiceContext): unknown {
  if (v === null || v === undefined) {
    ctx.notes.push({ path: at, message: `${name} has no value (taken from the shell at deploy time); written as \${${name}}, which is empty rather than unset when the variable is missing` });
    return `\${${name}}`;
  }
  const s = str(v) ?? JSON.stringify(v);
  if (isSecretLikeEnvName(name) && s !== "" && !/^\$\{?[A-Za-z_]/.test(s) && !s.startsWith("/")) {
    const ref = name.replace(/[^A-Za-z0-9_]/g, "_");
    ctx.notes.push({ path: at, message: `${name} held a literal secret; it is now { secretRef: { env: ${ref} } } — set ${ref} in the deploy environment (the value was not copied)` });
    return { secretRef: { env: ref } };
  }
  return s;
}

function healthcheck(h: unknown, at: string, ctx: ServiceContext): Rec | undefined {
  if (!isRecord(h)) return undefined;
  const test = h.test;
  if (h.disable === true || (Array.isArray(test) && test[0] === "NONE")) {
    ctx.notes.push({ path: at, message: "healthcheck disabled (disable: true / NONE): the config has no way to switch off an image's own healthcheck; dropped" });
    return undefined;
  }
  if (test === undefined) {
    ctx.notes.push({ path: at, message: "healthcheck without test (tunes the image's own check): not supported by the config; dropped" });
    return undefined;
  }
  const retries = Number(str(h.retries));
  return {
    test: Array.isArray(test) ? test.map((t) => str(t) ?? "") : (str(test) ?? ""),
    // Compose's defaults (interval 30s, timeout 30s, retries 3) written out: the config's own timeout default is 10s
    interval: duration(h.interval, `${at}.interval`, ctx) ?? "30s",
    timeout: duration(h.timeout, `${at}.timeout`, ctx) ?? "30s",
    retries: Number.isInteger(retries) && retries >= 1 ? retries : 3,
    ...(h.start_period !== undefined ? { startPeriod: duration(h.start_period, `${at}.start_period`, ctx) } : {}),
    ...(h.start_interval !== undefined ? { startInterval: duration(h.start_interval, `${at}.start_interval`, ctx) } : {}),
  };
}

function resources(s: Rec, at: string, ctx: ServiceContext): Rec | undefined {
  const deploy = isRecord(s.deploy) ? s.deploy : {};
  const res = isRecord(deploy.resources) ? deploy.resources : {};
  const lim = isRecord(res.limits) ? res.limits : {};
  const resv = isRecord(res.reservations) ? res.reservations : {};
  for (const k of Object.keys(deploy)) if (k !== "resources") ctx.notes.push({ path: `${at}.deploy.${k}`, message: `deploy.${k} is not supported by the config (Swarm/Kubernetes settings come from the config's kubernetes section); dropped` });
  for (const k of Object.keys(res)) if (k !== "limits" && k !== "reservations") ctx.notes.push({ path: `${at}.deploy.resources.${k}`, message: "not supported by the config; dropped" });
  for (const k of Object.keys(resv)) if (k !== "cpus" && k !== "memory") ctx.notes.push({ path: `${at}.deploy.resources.reservations.${k}`, message: "not supported by the config; dropped" });
  const lc = cpus(lim.cpus ?? s.cpus, `${at}.deploy.resources.limits.cpus`, ctx);
  const lm = memory(lim.memory ?? s.mem_limit, `${at}.deploy.resources.limits.memory`, ctx);
  const lpRaw = lim.pids ?? s.pids_limit;
  const lp = Number(str(lpRaw));
  if (lpRaw !== undefined && !(Number.isInteger(lp) && lp > 0)) ctx.notes.push({ path: `${at}.pids_limit`, message: `pids limit ${JSON.stringify(lpRaw)} is not a positive number (unlimited?); dropped` });
  const rc = cpus(resv.cpus, `${at}.deploy.resources.reservations.cpus`, ctx);
  const rm = memory(resv.memory ?? s.mem_reservation, `${at}.deploy.resources.reservations.memory`, ctx);
  const limits: Rec = {};
  const reservations: Rec = {};
  if (lc !== undefined) limits.cpus = lc;
  if (lm !== undefined) limits.memory = lm;
  if (Number.isInteger(lp) && lp > 0) limits.pids = lp;
  if (rc !== undefined) reservations.cpus = rc;
  if (rm !== undefined) reservations.memory = rm;
  const out = { ...(Object.keys(limits).length ? { limits } : {}), ...(Object.keys(reservations).length ? { reservations } : {}) };
  return Object.keys(out).length ? out : undefined;
}

/**
 * Maps one merged Compose service.
 * @param name the service name
 * @param s the service after merging and `extends` (list/map forms as written or normalised)
 * @returns the config entry (input form, validated later by `parseConfig`)
 */
export function importService(name: string, s: Rec, ctx: ServiceContext): Rec {
  const at = `services.${name}`;
  const out: Rec = {};
  const set = (k: string, v: unknown) => {
    if (v !== undefined && !(Array.isArray(v) && v.length === 0) && !(isRecord(v) && Object.keys(v).length === 0)) out[k] = v;
  };
  for (const k of Object.keys(s)) if (!HANDLED.has(k)) ctx.notes.push({ path: `${at}.${k}`, message: k.startsWith("x-") ? "extension field; dropped" : `${k} is not supported by the config; dropped` });

  set("image", str(s.image));
  if (s.build !== undefined) {
    const b = typeof s.build === "string" ? { context: s.build } : isRecord(s.build) ? s.build : {};
    for (const k of Object.keys(b)) if (!["context", "dockerfile", "args", "target"].includes(k)) ctx.notes.push({ path: `${at}.build.${k}`, message: "build setting not supported by the config; dropped" });
    const args = isRecord(b.args) ? Object.fromEntries(Object.entries(b.args).map(([k, v]) => [k, str(v) ?? `\${${k}}`])) : undefined;
    set("build", { context: str(b.context) ?? ".", ...(str(b.dockerfile) ? { dockerfile: str(b.dockerfile) } : {}), ...(args && Object.keys(args).length ? { args } : {}), ...(str(b.target) ? { target: str(b.target) } : {}) });
  }
  if (out.image === undefined && out.build === undefined) {
    ctx.notes.push({ path: at, message: "neither image nor build after merging; image set to the service name so the config validates — fix it" });
    out.image = name;
  }
  for (const [ck, k] of [["command", "command"], ["entrypoint", "entrypoint"]] as const) {
    const v = s[k];
    if (typeof v === "string") set(ck, v);
    else if (Array.isArray(v)) set(ck, v.map((x) => str(x) ?? JSON.stringify(x)));
  }
  set("workingDir", str(s.working_dir));
  set("hostname", str(s.hostname));
  set("containerName", str(s.container_name));
  const expose = strList(s.expose).map((e) => ({ e, n: port(e.replace(/\/(tcp|udp|sctp)$/, "")) }));
  for (const x of expose.filter((x) => x.n === undefined)) ctx.notes.push({ path: `${at}.expose`, message: `expose "${x.e}" is not a single port; dropped` });
  set("expose", expose.map((x) => x.n).filter((n): n is number => n !== undefined));
  set("stopGracePeriod", duration(s.stop_grace_period, `${at}.stop_grace_period`, ctx));
  set("shmSize", typeof s.shm_size === "number" ? s.shm_size : str(s.shm_size));
  if (isRecord(s.extra_hosts)) set("extraHosts", Object.entries(s.extra_hosts).map(([h, ip]) => `${h}:${str(ip) ?? ""}`));
  else set("extraHosts", strList(s.extra_hosts));
  const profiles = strList(s.profiles);
  profiles.forEach((p) => ctx.profilesUsed.add(p));
  set("profiles", profiles);

  const networks = isRecord(s.networks) ? s.networks : Object.fromEntries(strList(s.networks).map((n) => [n, null]));
  for (const [n, v] of Object.entries(networks)) {
    ctx.networksUsed.add(n);
    if (isRecord(v) && Object.keys(v).length) ctx.notes.push({ path: `${at}.networks.${n}`, message: `per-network settings (${Object.keys(v).join(", ")}) are not supported by the config; dropped` });
  }
  if (s.network_mode !== undefined) {
    const nm = str(s.network_mode) ?? "";
    if (NETWORK_MODE.test(nm)) set("networkMode", nm);
    else ctx.notes.push({ path: `${at}.network_mode`, message: `network_mode "${nm}" is not supported by the config; dropped` });
  } else set("networks", Object.keys(networks));

  const vols = Array.isArray(s.volumes) ? s.volumes : [];
  set("volumes", vols.map((v, i) => mount(v, `${at}.volumes.${i}`, ctx)).filter((v) => v !== undefined));
  const ports = Array.isArray(s.ports) ? s.ports : [];
  set("ports", ports.map((p, i) => portEntry(p, `${at}.ports.${i}`, ctx)).filter((p) => p !== undefined));

  if (isRecord(s.depends_on)) {
    set("dependsOn", Object.fromEntries(Object.entries(s.depends_on).map(([d, v]) => {
      const o = isRecord(v) ? v : {};
      return [d, { condition: str(o.condition) ?? "service_started", ...(typeof o.restart === "boolean" ? { restart: o.restart } : {}), ...(typeof o.required === "boolean" ? { required: o.required } : {}) }];
    })));
  } else set("dependsOn", strList(s.depends_on));

  const envRaw = Array.isArray(s.environment) ? Object.fromEntries(strList(s.environment).map((e) => (e.includes("=") ? [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)] : [e, null]))) : isRecord(s.environment) ? s.environment : {};
  const env: Rec = {};
  for (const [k, v] of Object.entries(envRaw)) {
    if (!ENV_KEY.test(k)) {
      ctx.notes.push({ path: `${at}.environment.${k}`, message: `environment name "${k}" is not supported by the config; dropped` });
      continue;
    }
    env[k] = envValue(k, v, `${at}.environment.${k}`, ctx);
  }
  set("env", env);
  if (s.env_file !== undefined) ctx.notes.push({ path: `${at}.env_file`, message: `env_file ${JSON.stringify(s.env_file)} cannot be represented: move its variables into env (secrets as { secretRef: ... })` });
  if (s.configs !== undefined) ctx.notes.push({ path: `${at}.configs`, message: "configs (files mounted into the container) are not supported for services by the config; mount the file as a read-only volume instead" });

  const secrets = (Array.isArray(s.secrets) ? s.secrets : []).map((x, i) => {
    if (isRecord(x)) {
      const extra = Object.keys(x).filter((k) => k !== "source");
      if (extra.length) ctx.notes.push({ path: `${at}.secrets.${i}`, message: `secret settings ${extra.join(", ")} are not supported (secrets mount at /run/secrets/<name>); dropped` });
      return str(x.source);
    }
    return str(x);
  }).filter((x): x is string => x !== undefined);
  secrets.forEach((x) => ctx.secretsUsed.add(x));
  set("secrets", secrets);
  set("healthcheck", healthcheck(s.healthcheck, `${at}.healthcheck`, ctx));
  set("resources", resources(s, at, ctx));

  let restart = str(s.restart);
  if (restart?.includes("${")) {
    const d = interpolationDefault(restart);
    ctx.notes.push({ path: `${at}.restart`, message: `restart "${restart}" is interpolated; the config needs a literal, so its default "${d}" is used` });
    restart = d;
  }
  if (restart === undefined) out.restart = "no"; // Compose's default; the config's own default is unless-stopped
  else if (["no", "always", "on-failure", "unless-stopped"].includes(restart)) out.restart = restart;
  else if (restart.startsWith("on-failure:")) {
    out.restart = "on-failure";
    ctx.notes.push({ path: `${at}.restart`, message: `the retry count of "${restart}" is not supported; on-failure kept` });
  } else ctx.notes.push({ path: `${at}.restart`, message: `restart "${restart}" is not supported; dropped` });

  if (isRecord(s.labels)) set("labels", Object.fromEntries(Object.entries(s.labels).map(([k, v]) => [k, str(v) ?? ""])));
  else if (Array.isArray(s.labels)) set("labels", Object.fromEntries(strList(s.labels).map((l) => [l.split("=")[0] ?? l, l.includes("=") ? l.slice(l.indexOf("=") + 1) : ""])));
  const user = str(s.user);
  if (user !== undefined) {
    if (USER.test(user)) out.user = user;
    else ctx.notes.push({ path: `${at}.user`, message: `user "${user}" (interpolated?) is not supported by the config; dropped` });
  }
  if (s.read_only !== undefined) out.readOnly = s.read_only === true || str(s.read_only) === "true";
  if (s.privileged !== undefined) out.privileged = s.privileged === true || str(s.privileged) === "true";
  for (const [ck, k] of [["capAdd", "cap_add"], ["capDrop", "cap_drop"]] as const) {
    const caps = strList(s[k]);
    for (const c of caps.filter((c) => !CAPABILITY.test(c))) ctx.notes.push({ path: `${at}.${k}`, message: `capability "${c}" not understood; dropped` });
    set(ck, caps.filter((c) => CAPABILITY.test(c)));
  }
  if (s.pid !== undefined) {
    if (str(s.pid) === "host") out.pid = "host";
    else ctx.notes.push({ path: `${at}.pid`, message: `pid "${str(s.pid) ?? ""}" is not supported (only host); dropped` });
  }
  if (s.ipc !== undefined) {
    const ipc = str(s.ipc) ?? "";
    if (["host", "private", "shareable", "none"].includes(ipc)) out.ipc = ipc;
    else ctx.notes.push({ path: `${at}.ipc`, message: `ipc "${ipc}" is not supported; dropped` });
  }
  set("securityOpt", strList(s.security_opt));
  if (isRecord(s.ulimits)) {
    const ul: Rec = {};
    for (const [k, v] of Object.entries(s.ulimits)) {
      if (isRecord(v) && Number.isInteger(Number(v.soft)) && Number.isInteger(Number(v.hard))) ul[k] = { soft: Number(v.soft), hard: Number(v.hard) };
      else if (Number.isInteger(Number(str(v)))) ul[k] = Number(str(v));
      else ctx.notes.push({ path: `${at}.ulimits.${k}`, message: "ulimit value not understood; dropped" });
    }
    set("ulimits", ul);
  }
  set("tmpfs", strList(s.tmpfs));
  set("waive", composeWaivers(s[WAIVE_KEY], (m) => ctx.notes.push({ path: `${at}.${WAIVE_KEY}`, message: m })));
  set("devices", (Array.isArray(s.devices) ? s.devices : []).map((d) => (isRecord(d) ? `${str(d.source) ?? ""}:${str(d.target) ?? ""}${str(d.permissions) ? `:${str(d.permissions)}` : ""}` : str(d))).filter((d): d is string => d !== undefined));
  return out;
}
