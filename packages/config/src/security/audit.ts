/**
 * The pure security audit: {@link ContainerFacts} in, findings and a 0–100 score out. The same function
 * serves compose-gen's lint and the health monitor's runtime audit, so both report the same rule ids.
 */
import { type ContainerFacts, interpolationDefault, isSecretLikeEnvName } from "./facts.js";
import { getRule, type RuleId, type Severity } from "./rules.js";

/** One finding. `field` locates it in the facts (e.g. `mounts.2`, `capAdd.0`, `env.DB_PASSWORD`). */
export interface Finding {
  rule: RuleId;
  severity: Severity;
  container: string;
  field: string;
  message: string;
  hint: string;
  /** Set when a waiver covers this finding: its reason. Waived findings do not lower the score. */
  waived?: string;
}

/** A waiver: the rule id and why it is acceptable for this container. */
export interface AuditWaiver {
  rule: string;
  reason: string;
}

/** Host paths whose mount is a `sensitive-mount` finding (the path itself or anything below it). */
export const SENSITIVE_HOST_PATHS = ["/", "/proc", "/sys", "/etc", "/var/run", "/run", "/var/lib/docker", "/boot", "/dev", "/lib/modules", "/root", "/usr"] as const;

/** Capabilities whose addition is a `cap-dangerous` finding. */
export const DANGEROUS_CAPABILITIES = ["ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "SYS_MODULE", "SYS_RAWIO", "SYS_BOOT", "SYS_TIME", "DAC_READ_SEARCH", "DAC_OVERRIDE", "BPF", "PERFMON", "NET_RAW", "MAC_ADMIN", "MAC_OVERRIDE", "SYSLOG"] as const;

const normPath = (p: string) => (p.length > 1 ? p.replace(/\/+$/, "") : p);
const isDockerSocket = (source: string) => /(^|\/)docker\.sock$/.test(source) || /^\/(var\/)?run\/docker$/.test(source);
const capName = (c: string) => c.toUpperCase().replace(/^CAP_/, "");

/**
 * Audits one container.
 * @param facts what the container is.
 * @param waivers rule waivers for this container (from `waive:` in the config); they mark findings, never hide them.
 * @returns findings in catalogue severity order.
 */
export function auditContainer(facts: ContainerFacts, waivers: readonly AuditWaiver[] = []): Finding[] {
  const out: Finding[] = [];
  const add = (rule: RuleId, field: string, message: string) => {
    const r = getRule(rule);
    const w = waivers.find((x) => x.rule === rule);
    out.push({ rule, severity: r.severity, container: facts.name, field, message, hint: r.hint, ...(w ? { waived: w.reason } : {}) });
  };

  if (facts.privileged) add("privileged", "privileged", `${facts.name} runs privileged`);
  facts.mounts.forEach((m, i) => {
    if (m.type !== "bind") return;
    const src = normPath(interpolationDefault(m.source));
    if (isDockerSocket(src)) {
      add("docker-socket", `mounts.${i}`, `${facts.name} mounts the Docker socket ${src}${m.readOnly ? " (read-only, which does not restrict the API)" : " read-write"}`);
      return;
    }
    const hit = SENSITIVE_HOST_PATHS.find((p) => src === p || (p !== "/" && src.startsWith(`${p}/`)));
    if (hit) add("sensitive-mount", `mounts.${i}`, `${facts.name} mounts host ${src} at ${m.target}${m.readOnly ? " (read-only)" : " read-write"}`);
  });
  if (facts.pidMode === "host") add("host-pid", "pidMode", `${facts.name} shares the host PID namespace`);
  if (facts.ipcMode === "host") add("host-ipc", "ipcMode", `${facts.name} shares the host IPC namespace`);
  if (facts.networkMode === "host") add("host-network", "networkMode", `${facts.name} uses the host network`);
  facts.capAdd.forEach((c, i) => {
    const n = capName(c);
    if ((DANGEROUS_CAPABILITIES as readonly string[]).includes(n)) add("cap-dangerous", `capAdd.${i}`, `${facts.name} adds capability ${n}`);
  });
  facts.securityOpt.forEach((o, i) => {
    if (/^(seccomp|apparmor)[:=]unconfined$/i.test(o)) add("seccomp-unconfined", `securityOpt.${i}`, `${facts.name} sets ${o}`);
  });
  for (const e of facts.env) {
    if (e.literal === undefined || e.literal === "" || !isSecretLikeEnvName(e.name)) continue;
    if (/^\$\{?[A-Za-z_]/.test(e.literal) || e.literal.startsWith("/")) continue;
    add("secret-in-env", `env.${e.name}`, `${facts.name} has a literal value in ${e.name}`);
  }
  const user = facts.user?.split(":")[0];
  if ((user === undefined && facts.imageUserNonRoot !== true) || user === "root" || user === "0") {
    add("root-user", "user", user === undefined ? `${facts.name} sets no user (images default to root)` : `${facts.name} runs as ${facts.user}`);
  }
  if (facts.memoryLimitBytes === undefined || facts.memoryLimitBytes <= 0) add("no-memory-limit", "memoryLimitBytes", `${facts.name} has no memory limit`);
  if (facts.image !== undefined) {
    const img = facts.image;
    const digest = img.includes("@sha256:");
    const tag = /:([^/:@]+)$/.exec(img.split("@")[0] ?? "")?.[1];
    if (!digest && (tag === undefined || tag === "latest")) add("image-unpinned", "image", `${facts.name} uses ${tag ? img : `${img} without a tag`}`);
  }
  facts.ports.forEach((p, i) => {
    if (p.published === undefined) return;
    const ip = p.hostIp === undefined ? undefined : interpolationDefault(p.hostIp);
    if (ip === undefined || ip === "" || ip === "0.0.0.0" || ip === "::" || ip === "[::]") {
      add("port-all-interfaces", `ports.${i}`, `${facts.name} publishes ${p.published}->${p.target} on all interfaces`);
    }
  });
  if (!facts.privileged && !facts.securityOpt.some((o) => /^no-new-privileges(:true|=true)?$/i.test(o))) {
    add("no-new-privileges", "securityOpt", `${facts.name} does not set no-new-privileges`);
  }
  facts.devices.forEach((d, i) => add("host-device", `devices.${i}`, `${facts.name} has host device ${d}`));
  if (facts.cpuLimit === undefined || facts.cpuLimit <= 0) add("no-cpu-limit", "cpuLimit", `${facts.name} has no CPU limit`);
  if (facts.pidsLimit === undefined || facts.pidsLimit <= 0) add("no-pids-limit", "pidsLimit", `${facts.name} has no PIDs limit`);
  if (!facts.hasHealthcheck) add("no-healthcheck", "hasHealthcheck", `${facts.name} has no healthcheck`);
  if (!facts.readOnlyRootfs) add("writable-rootfs", "readOnlyRootfs", `${facts.name} has a writable root filesystem`);
  return out;
}

/** Points a finding of each severity takes off a container's score of 100. */
export const SEVERITY_WEIGHT: Readonly<Record<Severity, number>> = { critical: 40, high: 20, medium: 8, low: 3 };

/** A container's score: 100 minus the weights of its unwaived findings, never below 0. */
export function containerScore(findings: readonly Finding[]): number {
  return Math.max(0, 100 - findings.filter((f) => f.waived === undefined).reduce((s, f) => s + SEVERITY_WEIGHT[f.severity], 0));
}

/**
 * A stack's score: the mean of its containers' scores, rounded; 100 for an empty stack. The mean keeps one
 * bad container visible without letting it hide how the rest is configured.
 */
export function stackScore(scores: readonly number[]): number {
  return scores.length === 0 ? 100 : Math.round(scores.reduce((a, b) => a + b, 0) / scores.length);
}
