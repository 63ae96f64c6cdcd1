/**
 * Compose files → a @soc/config config. Files are merged in order (Compose `-f` rules, see `merge.ts`),
 * `extends` resolved, then every service mapped (`service.ts`) and the top-level networks, volumes, secrets
 * and profiles declared. Our own apps are disabled (the imported services are third-party containers), and
 * `host` is sized so the imported limits fit the budget check. The result is checked with `parseConfig`;
 * whatever could not be represented is returned as notes (and written as a comment block by
 * {@link renderImportedConfig}), never silently dropped.
 */
import { auditContainer, formatBytes, parseConfig, parseMemoryBytes, type SocConfig } from "@soc/config";
import { composeServiceFacts } from "../lint/facts-from-compose.js";
import { composeWaivers, WAIVE_KEY } from "../lint/lint.js";
import { toYaml } from "../emit/yaml.js";
import { withoutTags, type ComposeFile } from "./compose-yaml.js";
import { mergeComposeData, resolveExtends, type ImportNote } from "./merge.js";
import { importService, type ServiceContext } from "./service.js";

type Rec = Record<string, unknown>;
const isRecord = (v: unknown): v is Rec => v !== null && typeof v === "object" && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined);

const NAME = /^[a-z0-9]([a-z0-9_.-]{0,61}[a-z0-9])?$/;
const CIDR4 = /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/;

/** Options of {@link importCompose}. */
export interface ImportOptions {
  /** Project name when the files have no `name:` (the CLI passes the first file's folder name). */
  projectName?: string;
  /** Reads a file named in `extends.file` (relative to the first file's folder); IO stays in the caller. */
  readExtendsFile?: (file: string) => ComposeFile | undefined;
}

/** The import's result. */
export interface ImportResult {
  /** The config as written (input form: what `stack.yaml` holds). */
  config: Rec;
  /** The config parsed by `parseConfig` (defaults applied) — proof that it validates. */
  parsed: SocConfig;
  /** What could not be carried over or was changed. */
  notes: ImportNote[];
}

/** A name the config accepts: lowercase, `[a-z0-9_.-]`, starting and ending alphanumeric, ≤ 63 chars. */
export function configName(raw: string): string {
  const n = raw.toLowerCase().replace(/[^a-z0-9_.-]+/g, "-").replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "").slice(0, 63).replace(/[^a-z0-9]+$/, "");
  return n === "" ? "imported" : n;
}

function topNetworks(data: Rec, used: Set<string>, notes: ImportNote[]): Rec {
  const src = isRecord(data.networks) ? data.networks : {};
  const out: Rec = {};
  for (const [name, raw] of Object.entries(src)) {
    const n = isRecord(raw) ? raw : {};
    const o: Rec = {};
    if (str(n.driver) !== undefined) o.driver = str(n.driver);
    if (n.internal === true) o.internal = true;
    if (n.external === true || isRecord(n.external)) o.external = true;
    const ipam = isRecord(n.ipam) ? n.ipam : {};
    const cfg = Array.isArray(ipam.config) ? ipam.config : [];
    const subnet = isRecord(cfg[0]) ? str(cfg[0].subnet) : undefined;
    if (subnet !== undefined && CIDR4.test(subnet)) o.subnet = subnet;
    const lost = Object.keys(n).filter((k) => !["driver", "internal", "external", "ipam"].includes(k));
    const simpleIpam = Object.keys(ipam).every((k) => k === "config") && cfg.length <= 1 && (subnet === undefined || CIDR4.test(subnet)) && (cfg.length === 0 || (isRecord(cfg[0]) && Object.keys(cfg[0]).every((k) => k === "subnet")));
    if (n.ipam !== undefined && !simpleIpam) lost.push("ipam (beyond one IPv4 subnet)");
    if (lost.length) notes.push({ path: `networks.${name}`, message: `${lost.join(", ")} not supported by the config; dropped` });
    out[name] = o;
  }
  for (const n of used) if (!(n in out)) {
    out[n] = {};
    notes.push({ path: `networks.${n}`, message: n === "default" ? "Compose's implicit default network, declared because the config names every network a service joins" : "used by a service but not declared; declared with defaults" });
  }
  return out;
}

function topVolumes(data: Rec, used: Set<string>, notes: ImportNote[]): Rec {
  const src = isRecord(data.volumes) ? data.volumes : {};
  const out: Rec = {};
  for (const [name, raw] of Object.entries(src)) {
    const v = isRecord(raw) ? raw : {};
    const o: Rec = {};
    if (str(v.driver) !== undefined) o.driver = str(v.driver);
    if (isRecord(v.driver_opts)) o.driverOpts = Object.fromEntries(Object.entries(v.driver_opts).map(([k, x]) => [k, str(x) ?? ""]));
    if (v.external === true || isRecord(v.external)) o.external = true;
    const lost = Object.keys(v).filter((k) => !["driver", "driver_opts", "external"].includes(k));
    if (lost.length) notes.push({ path: `volumes.${name}`, message: `${lost.join(", ")} not supported by the config; dropped` });
    out[name] = o;
  }
  for (const n of used) if (!(n in out)) {
    out[n] = {};
    notes.push({ path: `volumes.${n}`, message: "used by a service but not declared; declared with defaults" });
  }
  return out;
}

function topSecrets(data: Rec, used: Set<string>, notes: ImportNote[]): Rec {
  const src = isRecord(data.secrets) ? data.secrets : {};
  const out: Rec = {};
  const envName = (n: string) => n.toUpperCase().replace(/[^A-Z0-9_]/g, "_").replace(/^(\d)/, "_$1");
  for (const [name, raw] of Object.entries(src)) {
    const s = isRecord(raw) ? raw : {};
    if (str(s.file) !== undefined) out[name] = { file: str(s.file) };
    else if (str(s.environment) !== undefined) out[name] = { env: str(s.environment) };
    else {
      out[name] = { env: envName(name) };
      notes.push({ path: `secrets.${name}`, message: `an ${s.external !== undefined ? "external" : "unsupported"} secret cannot be represented; declared as read from the environment variable ${envName(name)}` });
    }
    const lost = Object.keys(s).filter((k) => !["file", "environment", "external"].includes(k));
    if (lost.length) notes.push({ path: `secrets.${name}`, message: `${lost.join(", ")} not supported by the config; dropped` });
  }
  for (const n of used) if (!(n in out)) {
    out[n] = { env: envName(n) };
    notes.push({ path: `secrets.${n}`, message: `used by a service but not declared; declared as read from ${envName(n)}` });
  }
  return out;
}

/** A `host` section big enough for the imported limits (the config checks the sum against host minus headroom). */
function hostFor(services: Rec, notes: ImportNote[]): Rec {
  let cpu = 0;
  let mem = 0;
  for (const s of Object.values(services)) {
    const l = isRecord(s) && isRecord(s.resources) && isRecord(s.resources.limits) ? s.resources.limits : {};
    if (typeof l.cpus === "number") cpu += l.cpus;
    if (typeof l.memory === "string" || typeof l.memory === "number") mem += parseMemoryBytes(l.memory);
  }
  const gib = 1024 ** 3;
  const cpus = Math.max(4, Math.ceil(cpu));
  const memory = Math.max(8, Math.ceil((mem + 3.5 * gib) / gib));
  if (cpus > 4 || memory > 8) notes.push({ path: "host", message: `sized to fit the imported limits (${+cpu.toFixed(3)} cores, ${formatBytes(mem)} + 3.5 GiB headroom): set it to the real machine` });
  return { arch: "amd64", model: "generic-x86", cpus, memory: `${memory}G` };
}

/**
 * Imports Compose files (already parsed, in `-f` order).
 * @throws {ExtendsError} for a broken `extends`
 * @throws {ConfigError} when the mapped config does not validate (a mapping bug or a value the config
 *   rejects, e.g. a service name with capitals) — the error lists each issue with its path
 */
export function importCompose(files: readonly ComposeFile[], opts: ImportOptions = {}): ImportResult {
  const notes: ImportNote[] = [];
  const merged = mergeComposeData(files.map((f) => f.data));
  const data = resolveExtends(merged, (file) => {
    const f = opts.readExtendsFile?.(file);
    return f === undefined ? undefined : (withoutTags(f.data) as Rec);
  }, notes);
  for (const k of Object.keys(data)) {
    if (!["name", "services", "networks", "volumes", "secrets", "version"].includes(k)) notes.push({ path: k, message: k.startsWith("x-") ? "extension field (its anchors were applied where used); dropped" : `top-level ${k} is not supported by the config; dropped` });
  }
  if (data.version !== undefined) notes.push({ path: "version", message: "obsolete top-level version (Compose ignores it); dropped" });
  const rawName = str(data.name) ?? opts.projectName ?? "imported";
  const name = configName(rawName);
  if (name !== rawName) notes.push({ path: "name", message: `project name "${rawName}" written as "${name}" (lowercase DNS label)` });

  const ctx: ServiceContext = { notes, volumesUsed: new Set(), networksUsed: new Set(), secretsUsed: new Set(), profilesUsed: new Set() };
  const services: Rec = {};
  const srcServices = isRecord(data.services) ? data.services : {};
  for (const [svcName, svc] of Object.entries(srcServices)) {
    if (!isRecord(svc)) {
      notes.push({ path: `services.${svcName}`, message: "not a mapping; dropped" });
      continue;
    }
    if (!NAME.test(svcName)) notes.push({ path: `services.${svcName}`, message: "service name is not a lowercase DNS label; the config will reject it — rename it" });
    services[svcName] = importService(svcName, svc, ctx);
    const waived = composeWaivers(svc[WAIVE_KEY], () => undefined); // problems are noted by importService
    for (const f of auditContainer(composeServiceFacts(svcName, svc).facts, waived).filter((x) => x.severity === "critical" && x.waived === undefined)) {
      notes.push({ path: `services.${svcName}`, message: `critical security finding [${f.rule}] ${f.message}: compose-gen stops generating until it is fixed or waived (waive: [{ rule: ${f.rule}, reason: ... }])` });
    }
  }
  for (const [svcName, svc] of Object.entries(services)) {
    const s = svc as Rec;
    const deps = s.dependsOn;
    const missing = (Array.isArray(deps) ? deps.map(String) : isRecord(deps) ? Object.keys(deps) : []).filter((d) => !(d in services));
    if (!missing.length) continue;
    notes.push({ path: `services.${svcName}.depends_on`, message: `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not defined in these files (import the file that defines ${missing.length === 1 ? "it" : "them"} too); dropped` });
    if (Array.isArray(deps)) s.dependsOn = deps.filter((d) => !missing.includes(String(d)));
    else if (isRecord(deps)) s.dependsOn = Object.fromEntries(Object.entries(deps).filter(([d]) => !missing.includes(d)));
    if ((Array.isArray(s.dependsOn) && s.dependsOn.length === 0) || (isRecord(s.dependsOn) && Object.keys(s.dependsOn).length === 0)) delete s.dependsOn;
  }
  const relBinds = Object.values(services).some((s) => isRecord(s) && Array.isArray(s.volumes) && s.volumes.some((v) => (typeof v === "string" ? /^\.{1,2}\//.test(v) : isRecord(v) && /^\.{1,2}\//.test(str(v.source) ?? ""))));
  if (relBinds) notes.push({ path: "services", message: "relative host paths (binds, build contexts, secret files) are relative to the config file: keep stack.yaml in the Compose file's folder" });

  const config: Rec = {
    version: 1,
    project: { name, ...(files.length ? { description: `Imported from ${files.map((f) => f.file).join(" + ")}` } : {}) },
    host: hostFor(services, notes),
    apps: { edgeAgent: { enabled: false }, aiopsAgent: { enabled: false }, healthMonitor: { enabled: false } },
    services,
  };
  if (ctx.profilesUsed.size) config.profiles = Object.fromEntries([...ctx.profilesUsed].sort().map((p) => [p, {}]));
  const networks = topNetworks(data, ctx.networksUsed, notes);
  if (Object.keys(networks).length) config.networks = networks;
  const volumes = topVolumes(data, ctx.volumesUsed, notes);
  if (Object.keys(volumes).length) config.volumes = volumes;
  const secrets = topSecrets(data, ctx.secretsUsed, notes);
  if (Object.keys(secrets).length) config.secrets = secrets;
  const parsed = parseConfig(config, { source: files.map((f) => f.file).join(" + ") || "import" });
  return { config, parsed, notes };
}

/** The imported config as YAML: a comment block listing the notes (what was not carried over), then the config. */
export function renderImportedConfig(result: ImportResult, sources: readonly string[]): string {
  const header = [
    `Imported by compose-gen from ${sources.join(" + ")}.`,
    "Check it, then: compose-gen compose <this file> -o <dir>  (and compose-gen lint <this file>).",
    ...(result.notes.length ? ["", `Not carried over or changed (${result.notes.length}):`, ...result.notes.map((n) => `- ${n.path}: ${n.message}`)] : ["", "Everything was carried over."]),
  ];
  return toYaml(result.config, { header });
}
