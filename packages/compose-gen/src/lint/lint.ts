/**
 * The security lint: runs the shared audit of `@soc/config` (`auditContainer`, the same rules and
 * severities as the health monitor's runtime audit) on a deployment model or on Compose files, and locates
 * every finding in the file a person edits — the config path for our own output, the YAML path for a
 * Compose file — with its line.
 */
import { auditContainer, containerScore, SECURITY_RULES, SENSITIVE_HOST_PATHS, stackScore, type AuditWaiver, type Finding, type RuleId, type Severity } from "@soc/config";
import { withoutTags, type ComposeFile } from "../import/compose-yaml.js";
import { SOCKET_PROXY_NAME } from "../model/apps.js";
import type { ContainerSpec, DeploymentModel } from "../model/types.js";
import { composeFieldPath, composeServiceFacts } from "./facts-from-compose.js";
import { modelContainerFacts, modelFieldPath } from "./facts-from-model.js";

/** One located finding (the shape `--format json` prints, plus line and waiver). */
export interface LintFinding {
  rule: RuleId;
  severity: Severity;
  /** Service (Compose) or container (model) name. */
  service: string;
  /** The file to edit: the config file, or the Compose file, as given on the command line. */
  file: string;
  /** Dotted path in that file: `services.cadvisor.volumes.2`, `apps.edgeAgent.user`. */
  path: string;
  /** 1-based line of `path` (or of its closest existing parent when the setting is absent). */
  line: number;
  message: string;
  hint: string;
  /** The waiver's reason, when the config waives this rule for this container. */
  waived?: string;
}

/** Score of one service: 100 minus the weights of its unwaived findings (see `containerScore`). */
export interface ServiceScore {
  service: string;
  file: string;
  score: number;
}

/** The lint's result. */
export interface LintReport {
  findings: LintFinding[];
  /** Mean of the service scores, 0–100 (see `stackScore`). */
  score: number;
  services: ServiceScore[];
  /** Things the lint could not inspect (e.g. `env_file` contents), never silently skipped. */
  notes: string[];
}

/**
 * Waivers compose-gen gives its own generated containers: the Docker socket proxy mounts the socket because
 * it IS the remedy the `docker-socket` rule recommends (only the API calls health-monitor needs, on an
 * internal network); the finding stays visible, marked waived.
 */
export const GENERATED_WAIVERS: Readonly<Record<string, readonly AuditWaiver[]>> = {
  [SOCKET_PROXY_NAME]: [{ rule: "docker-socket", reason: "generated read-only Docker API proxy: it allows only the endpoints health-monitor needs and sits on an internal network (the remedy the rule recommends)" }],
};

const severityRank = (s: Severity): number => ["critical", "high", "medium", "low"].indexOf(s);

function finish(findings: LintFinding[], services: ServiceScore[], notes: string[]): LintReport {
  findings.sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || a.file.localeCompare(b.file) || a.service.localeCompare(b.service) || a.line - b.line || a.rule.localeCompare(b.rule));
  return { findings, score: stackScore(services.map((s) => s.score)), services, notes };
}

/**
 * The accepted exception compose-gen gives the aiops-agent app for the host `/proc` it mounts read-only at
 * `collect.hostProc` (see `buildApps`): the least-privileged way for a container to read host metrics. The
 * alternative, sharing the host PID namespace (`host-pid`, CIS 5.16), would also let it see and signal every
 * host process; node_exporter's container setup makes the same trade-off. Documented in
 * apps/aiops-agent/README.md, "How the agent sees the host from a container".
 */
export const HOST_PROC_WAIVER: AuditWaiver = {
  rule: "sensitive-mount",
  reason: "generated read-only bind of the host's /proc at apps.aiopsAgent.collect.hostProc, the least-privileged way to read host metrics (instead of pid: host); no other sensitive host path is mounted",
};

const isSensitiveHostPath = (source: string): boolean => {
  const src = source.length > 1 ? source.replace(/\/+$/, "") : source;
  return SENSITIVE_HOST_PATHS.some((p) => src === p || (p !== "/" && src.startsWith(`${p}/`)));
};

/**
 * Whether `c` is the aiops-agent app whose ONLY sensitive host mount is the read-only host `/proc` that
 * compose-gen adds: then {@link HOST_PROC_WAIVER} applies. Any other sensitive host path (or a writable
 * `/proc`) keeps the finding unwaived unless the config waives it.
 */
function hostProcOnly(c: Pick<ContainerSpec, "kind" | "origin" | "mounts">): boolean {
  if (c.kind !== "app" || c.origin[0] !== "apps" || c.origin[1] !== "aiopsAgent") return false;
  const sensitive = c.mounts.filter((m) => m.type === "bind" && m.source !== undefined && isSensitiveHostPath(m.source));
  return sensitive.length === 1 && sensitive[0]!.source === "/proc" && sensitive[0]!.readOnly;
}

/**
 * The waivers that apply to a model container: the config's `waive` list plus, for containers compose-gen
 * generates, {@link GENERATED_WAIVERS}, and for the aiops-agent's generated host `/proc` mount
 * {@link HOST_PROC_WAIVER} (unless the config already waives `sensitive-mount` there: its reason wins). The Compose emitter
 * writes them as `x-soc-waive`, so the lint of the Compose file and an import of it see the same accepted
 * risks.
 */
export function effectiveWaivers(c: Pick<ContainerSpec, "name" | "kind" | "waivers" | "origin" | "mounts">): AuditWaiver[] {
  const hostProc = hostProcOnly(c) && !c.waivers.some((w) => w.rule === HOST_PROC_WAIVER.rule) ? [HOST_PROC_WAIVER] : [];
  return [...c.waivers, ...(c.kind === "generated" ? (GENERATED_WAIVERS[c.name] ?? []) : []), ...hostProc];
}

/** Options of {@link lintModel}. */
export interface LintModelOptions {
  /** The config file's name for findings (default `config`). */
  file?: string;
  /** The parsed config, to tell config-written entries from generated ones (see `modelFieldPath`). */
  config?: unknown;
  /** Line of a config path (e.g. from `parseComposeFile(text).lineOf`); default 1. */
  lineOf?: (path: readonly string[]) => number;
}

/** Lints every container of a model (our generated output), findings located in the config. */
export function lintModel(model: DeploymentModel, opts: LintModelOptions = {}): LintReport {
  const file = opts.file ?? "config";
  const findings: LintFinding[] = [];
  const services: ServiceScore[] = [];
  for (const c of model.containers) {
    const raw = auditContainer(modelContainerFacts(c), effectiveWaivers(c));
    for (const f of raw) {
      const path = modelFieldPath(c, f.field, opts.config);
      findings.push(located(f, c.name, file, path.join("."), opts.lineOf?.(path) ?? 1));
    }
    services.push({ service: c.name, file, score: containerScore(raw) });
  }
  return finish(findings, services, []);
}

function located(f: Finding, service: string, file: string, path: string, line: number): LintFinding {
  return { rule: f.rule, severity: f.severity, service, file, path, line, message: f.message, hint: f.hint, ...(f.waived !== undefined ? { waived: f.waived } : {}) };
}

/**
 * Lints Compose files, each on its own (file-local: no merging, `!reset` keys removed and `!override`
 * values taken as written). Services without an inspectable mapping are listed in `notes`.
 */
export function lintComposeFiles(files: readonly ComposeFile[]): LintReport {
  const findings: LintFinding[] = [];
  const services: ServiceScore[] = [];
  const notes: string[] = [];
  for (const cf of files) {
    const data = withoutTags(cf.data) as Record<string, unknown>;
    const svcs = data.services;
    if (svcs === undefined || svcs === null) {
      notes.push(`${cf.file}: no services`);
      continue;
    }
    if (typeof svcs !== "object" || Array.isArray(svcs)) {
      notes.push(`${cf.file}: services is not a mapping; nothing linted`);
      continue;
    }
    for (const [name, svc] of Object.entries(svcs as Record<string, unknown>)) {
      if (svc === null || typeof svc !== "object" || Array.isArray(svc)) {
        notes.push(`${cf.file}: services.${name} is not a mapping; not linted`);
        continue;
      }
      const s = svc as Record<string, unknown>;
      const { facts, envPaths, notes: factNotes } = composeServiceFacts(name, s);
      for (const n of factNotes) notes.push(`${cf.file}:${cf.lineOf(["services", name, ...n.path])}: ${n.message}`);
      const fragment = (s.image === undefined && s.build === undefined) || s.extends !== undefined;
      if (fragment) notes.push(`${cf.file}:${cf.lineOf(["services", name])}: ${name} ${s.extends !== undefined ? "extends another service" : "has no image or build here (an override)"}: file-local lint judges only the settings it makes, not the ones it inherits (import the files together to see the merged service)`);
      const waivers = composeWaivers(s[WAIVE_KEY], (m) => notes.push(`${cf.file}:${cf.lineOf(["services", name, WAIVE_KEY])}: ${name}: ${m}`));
      const raw = auditContainer(facts, waivers).filter((f) => !fragment || !ABSENCE_RULES.has(f.rule) || isSet(f.field, s));
      for (const f of raw) {
        const path = ["services", name, ...composeFieldPath(f.field, s, envPaths)];
        findings.push(located(f, name, cf.file, path.join("."), cf.lineOf(path)));
      }
      services.push({ service: name, file: cf.file, score: containerScore(raw) });
    }
  }
  return finish(findings, services, notes);
}

/** The Compose extension field holding a service's waivers: `x-soc-waive: [{ rule, reason }]`. */
export const WAIVE_KEY = "x-soc-waive";

/**
 * Reads `x-soc-waive` of a Compose service: entries with a known rule id and a reason of at least 10
 * characters (as the config's `waive` requires); anything else is reported through `problem` and ignored.
 */
export function composeWaivers(value: unknown, problem: (message: string) => void): AuditWaiver[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problem(`${WAIVE_KEY} must be a list of { rule, reason }; ignored`);
    return [];
  }
  const out: AuditWaiver[] = [];
  for (const w of value) {
    const rule = w !== null && typeof w === "object" ? (w as Record<string, unknown>).rule : undefined;
    const reason = w !== null && typeof w === "object" ? (w as Record<string, unknown>).reason : undefined;
    if (typeof rule !== "string" || !SECURITY_RULES.some((r) => r.id === rule)) problem(`${WAIVE_KEY}: unknown rule ${JSON.stringify(rule)}; ignored`);
    else if (typeof reason !== "string" || reason.length < 10) problem(`${WAIVE_KEY}: ${rule} needs a reason of at least 10 characters; ignored`);
    else out.push({ rule, reason });
  }
  return out;
}

/**
 * Rules that fire when a setting is missing. An override file's service (no `image`/`build`) inherits the
 * missing settings from the file it overrides, so file-local lint skips these unless the fragment itself
 * sets the value (e.g. `user: root`).
 */
const ABSENCE_RULES = new Set<string>(["root-user", "no-memory-limit", "no-cpu-limit", "no-pids-limit", "no-healthcheck", "writable-rootfs", "no-new-privileges", "image-unpinned"]);
const isSet = (field: string, s: Record<string, unknown>): boolean => field === "user" && s.user !== undefined;

/** True when the report has an unwaived critical or high finding (`compose-gen lint` exits 1). */
export function lintFails(report: LintReport): boolean {
  return report.findings.some((f) => f.waived === undefined && (f.severity === "critical" || f.severity === "high"));
}

/**
 * The findings that stop generation: unwaived `critical` ones. High and lower findings are printed as
 * warnings; `compose-gen lint` (exit 1 on high) is the stricter CI gate.
 */
export function generationErrors(report: LintReport): LintFinding[] {
  return report.findings.filter((f) => f.waived === undefined && f.severity === "critical");
}

/** Thrown by generate commands when {@link generationErrors} is not empty. */
export class SecurityGateError extends Error {
  override readonly name = "SecurityGateError";
  /** @param findings the unwaived critical findings */
  constructor(readonly findings: LintFinding[]) {
    super(
      [
        `${findings.length} critical security finding${findings.length === 1 ? " stops" : "s stop"} generation (waive each in the config with waive: [{ rule, reason }] if the risk is accepted):`,
        ...findings.map((f) => `  ${f.file}:${f.line} ${f.path}: [${f.rule}] ${f.message} — ${f.hint}`),
      ].join("\n"),
    );
  }
}
