/**
 * Compose's file merging, as `docker compose -f a.yml -f b.yml` does it, and `extends`:
 * - mappings merge key by key, later files win on scalars;
 * - `command`, `entrypoint` and `healthcheck.test` are replaced, not appended;
 * - `volumes`/`devices` merge by container path, `secrets`/`configs` by source, `ports`, `expose`, `dns`,
 *   `cap_add`… are appended without duplicates;
 * - `environment`, `labels`, `build.args`, `extra_hosts`, `depends_on`, `networks` merge as mappings
 *   (list forms are converted first);
 * - `!reset` removes the inherited value, `!override` replaces it whole.
 * Source: https://docs.docker.com/reference/compose-file/merge/ and
 * https://docs.docker.com/reference/compose-file/services/#extends
 */
import { ComposeOverride, ComposeReset, withoutTags } from "./compose-yaml.js";
import { splitColons } from "../model/normalize.js";

/** Something the import could not carry over, or changed; listed, never silently dropped. */
export interface ImportNote {
  /** Where: `services.web.logging`, `networks.front.driver_opts`, a file name... */
  path: string;
  message: string;
}

/** Thrown for an `extends` that names a service or file that does not exist, or a cycle. */
export class ExtendsError extends Error {
  override readonly name = "ExtendsError";
  /** @param service the extending service */
  constructor(
    readonly service: string,
    message: string,
  ) {
    super(`services.${service}.extends: ${message}`);
  }
}

type Rec = Record<string, unknown>;
const isRecord = (v: unknown): v is Rec => v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof ComposeReset) && !(v instanceof ComposeOverride);
const scalar = (v: unknown): string | undefined => (typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined);

/** `KEY=value` list → mapping (a bare `KEY` maps to null: taken from the shell at deploy time). */
function listToMap(v: unknown, sep: RegExp): unknown {
  if (!Array.isArray(v)) return v;
  const out: Rec = {};
  for (const item of v) {
    const s = scalar(item);
    if (s === undefined) continue;
    const m = sep.exec(s);
    if (m?.index === undefined) out[s] = null;
    else out[s.slice(0, m.index)] = s.slice(m.index + m[0].length);
  }
  return out;
}

/** A service with its list-or-map fields in mapping form, so that merging is key-wise. */
export function normalizeServiceForms(svc: Rec): Rec {
  const out: Rec = { ...svc };
  if (Array.isArray(out.environment)) out.environment = listToMap(out.environment, /=/);
  if (Array.isArray(out.labels)) out.labels = listToMap(out.labels, /=/);
  if (Array.isArray(out.extra_hosts)) out.extra_hosts = listToMap(out.extra_hosts, /[=:]/);
  if (Array.isArray(out.depends_on)) out.depends_on = Object.fromEntries(out.depends_on.map((d) => [String(d), { condition: "service_started" }]));
  if (Array.isArray(out.networks)) out.networks = Object.fromEntries(out.networks.map((n) => [String(n), null]));
  if (isRecord(out.build) && Array.isArray(out.build.args)) out.build = { ...out.build, args: listToMap(out.build.args, /=/) };
  if (typeof out.build === "string") out.build = { context: out.build };
  return out;
}

/** Container path of a `volumes`/`devices` entry (short or long form). */
function mountTarget(v: unknown): string {
  if (isRecord(v)) return scalar(v.target) ?? JSON.stringify(v);
  const s = scalar(v) ?? "";
  const parts = splitColons(s);
  return parts.length === 1 ? s : (parts[1] ?? s);
}
const secretSource = (v: unknown): string => (isRecord(v) ? (scalar(v.source) ?? JSON.stringify(v)) : (scalar(v) ?? ""));

const REPLACED = new Set(["command", "entrypoint", "test"]);
const KEYED: Record<string, (v: unknown) => string> = { volumes: mountTarget, devices: mountTarget, secrets: secretSource, configs: secretSource };

function mergeLists(key: string, base: unknown[], over: unknown[]): unknown[] {
  if (REPLACED.has(key)) return over;
  const keyOf = KEYED[key];
  if (keyOf) {
    const out = new Map<string, unknown>(base.map((v) => [keyOf(v), v]));
    for (const v of over) out.set(keyOf(v), v);
    return [...out.values()];
  }
  const seen = new Set(base.map((v) => JSON.stringify(v)));
  return [...base, ...over.filter((v) => !seen.has(JSON.stringify(v)))];
}

/**
 * Merges `over` onto `base` (both plain data with tag markers); `key` is the key both sit under, which
 * picks the sequence rule. `!reset` in `over` yields undefined (the caller deletes the key).
 */
export function mergeValue(key: string, base: unknown, over: unknown): unknown {
  if (over instanceof ComposeReset) return undefined;
  if (over instanceof ComposeOverride) return withoutTags(over.value);
  if (isRecord(base) && isRecord(over)) {
    const out: Rec = { ...base };
    for (const [k, v] of Object.entries(over)) {
      const merged = k in out ? mergeValue(k, out[k], v) : mergeValue(k, undefined, v);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    }
    return out;
  }
  if (Array.isArray(base) && Array.isArray(over)) return mergeLists(key, base, withoutTags(over) as unknown[]);
  return withoutTags(over);
}

/** Merges whole Compose files in command-line order (services normalised first so list/map forms merge). */
export function mergeComposeData(files: readonly Rec[]): Rec {
  let out: Rec = {};
  for (const data of files) {
    const d: Rec = { ...data };
    if (isRecord(d.services)) {
      d.services = Object.fromEntries(Object.entries(d.services).map(([n, s]) => [n, isRecord(s) ? normalizeServiceForms(s) : s]));
    }
    out = mergeValue("", out, d) as Rec;
  }
  return withoutTags(out) as Rec;
}

/**
 * Resolves `extends` in every service: the base service (same file, or `file:` read through `readFile`)
 * with the extending service merged onto it. Relative paths inside an extended file are not rebased (noted).
 * @param readFile returns the parsed data of a Compose file named in `extends.file`, or undefined
 * @throws {ExtendsError} for an unknown service or file, or an `extends` cycle
 */
export function resolveExtends(data: Rec, readFile: (file: string) => Rec | undefined, notes: ImportNote[]): Rec {
  const services = isRecord(data.services) ? data.services : {};
  const done = new Map<string, Rec>();
  const resolve = (name: string, pool: Rec, chain: string[]): Rec => {
    const svc = pool[name];
    if (!isRecord(svc)) throw new ExtendsError(chain[0] ?? name, `service "${name}" does not exist`);
    const ext = svc.extends;
    if (ext === undefined) return svc;
    if (chain.includes(name)) throw new ExtendsError(chain[0] ?? name, `cycle: ${[...chain, name].join(" → ")}`);
    const target = typeof ext === "string" ? { service: ext } : isRecord(ext) ? ext : {};
    const baseName = scalar(target.service) ?? "";
    const file = scalar(target.file);
    let basePool = pool;
    if (file !== undefined) {
      const other = readFile(file);
      if (other === undefined) throw new ExtendsError(chain[0] ?? name, `cannot read ${file}`);
      basePool = isRecord(other.services) ? Object.fromEntries(Object.entries(other.services).map(([n, s]) => [n, isRecord(s) ? normalizeServiceForms(s) : s])) : {};
      notes.push({ path: `services.${name}.extends`, message: `extends ${baseName} from ${file}: relative paths in that file are taken as written (not rebased onto this file's folder)` });
    }
    const base = resolve(baseName, basePool, [...chain, name]);
    const own: Rec = { ...svc };
    delete own.extends;
    return mergeValue("", base, own) as Rec;
  };
  for (const name of Object.keys(services)) done.set(name, resolve(name, services, []));
  return { ...data, services: Object.fromEntries(done) };
}
