/**
 * Pod and container security contexts. Every pod runs as a numeric non-root UID/GID above 10000
 * (kube-score `container-security-context-user-group-id`), with a read-only root filesystem, no privilege
 * escalation, every capability dropped and the runtime's default seccomp profile — each relaxed only by a
 * waiver of the matching security rule in the config (`waive: [{ rule, reason }]`).
 * Reference: https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
 */
import type { IIoK8sApiCoreV1PodSecurityContext } from "kubernetes-models/v1/PodSecurityContext";
import type { IIoK8sApiCoreV1SecurityContext } from "kubernetes-models/v1/SecurityContext";
import type { ContainerSpec } from "../model/types.js";

/** UID and GID used when the config gives none above 10000. */
export const DEFAULT_UID = 10001;

/**
 * Capabilities that allow container escape or host network control (Polaris `dangerousCapabilities` and
 * `insecureCapabilities`, the lint's `cap-dangerous`); added only with a `cap-dangerous` waiver.
 */
export const DANGEROUS_CAPABILITIES = ["ALL", "BPF", "DAC_READ_SEARCH", "NET_ADMIN", "NET_RAW", "PERFMON", "SYS_ADMIN", "SYS_BOOT", "SYS_MODULE", "SYS_PTRACE", "SYS_RAWIO", "SYS_TIME"];

/** The security contexts of one container's pod, and what changed from the Compose file. */
export interface SecurityContexts {
  pod: IIoK8sApiCoreV1PodSecurityContext;
  container: IIoK8sApiCoreV1SecurityContext;
  notes: string[];
}

/** Parses a Compose `user` (`uid`, `uid:gid`, `name`, `name:group`). */
export function parseUser(user: string | undefined): { uid?: number; gid?: number; text?: string } {
  if (user === undefined) return {};
  const [u, g] = user.split(":") as [string, string | undefined];
  const num = (s: string | undefined) => (s !== undefined && /^\d+$/.test(s) ? Number(s) : undefined);
  const uid = num(u);
  const gid = num(g);
  return { ...(uid !== undefined ? { uid } : {}), ...(gid !== undefined ? { gid } : {}), text: user };
}

/** The security contexts of `c` (see the module comment for the rules). */
export function securityOf(c: ContainerSpec): SecurityContexts {
  const waived = new Set(c.waivers.map((w) => w.rule));
  const notes: string[] = [];
  const s = c.security;
  const user = parseUser(s.user);
  let ids: { runAsUser?: number; runAsGroup?: number; runAsNonRoot?: boolean };
  if (waived.has("root-user")) {
    ids = user.uid !== undefined ? { runAsUser: user.uid, runAsGroup: user.gid ?? user.uid, runAsNonRoot: user.uid !== 0 } : {};
  } else {
    const uid = user.uid !== undefined && user.uid > 10000 ? user.uid : DEFAULT_UID;
    const gid = user.gid !== undefined && user.gid > 10000 ? user.gid : user.gid === undefined && uid !== DEFAULT_UID ? uid : DEFAULT_UID;
    ids = { runAsUser: uid, runAsGroup: gid, runAsNonRoot: true };
    if (s.user === undefined) notes.push(`runs as ${uid}:${gid} (the config sets no user; the image's own user is not used)`);
    else if (user.uid !== uid || (user.gid ?? uid) !== gid) notes.push(`runs as ${uid}:${gid} instead of user "${s.user}" (UID and GID must be numeric and above 10000; waive root-user to keep it)`);
  }
  const unconfined = s.securityOpt.some((o) => /^seccomp[:=]unconfined$/.test(o));
  const seccompProfile = unconfined && waived.has("seccomp-unconfined") ? { type: "Unconfined" as const } : { type: "RuntimeDefault" as const };
  const add: string[] = [];
  for (const cap of [...new Set(s.capAdd.map((x) => x.toUpperCase().replace(/^CAP_/, "")))].sort()) {
    if (DANGEROUS_CAPABILITIES.includes(cap) && !waived.has("cap-dangerous")) notes.push(`capability ${cap} not added (dangerous; waive cap-dangerous to keep it)`);
    else add.push(cap);
  }
  const readOnlyRootFilesystem = !waived.has("writable-rootfs");
  const allowPrivilegeEscalation = waived.has("no-new-privileges");
  return {
    pod: { ...ids, ...(ids.runAsGroup !== undefined ? { fsGroup: ids.runAsGroup } : {}), seccompProfile },
    container: {
      ...ids,
      privileged: false,
      allowPrivilegeEscalation,
      readOnlyRootFilesystem,
      capabilities: { drop: ["ALL"], ...(add.length ? { add } : {}) },
      seccompProfile,
    },
    notes,
  };
}
