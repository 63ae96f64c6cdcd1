/**
 * NetworkPolicies allow exactly the paths the config's networks declare: a small evaluator applies the
 * emitted policies (pod selectors, policy types, ingress and egress rules) to every pair of pods.
 */
import { describe, expect, it } from "vitest";
import { byKind, configOf, k8sOfConfig, objectsOf, workloads, type Obj } from "./support/k8s.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const resources = { limits: { cpus: 0.1, memory: "64M" } };
const svc = (networks: string[] | undefined, extra: Record<string, unknown> = {}) => ({ image: "busybox:1.37", expose: [8080], resources, ...(networks ? { networks } : {}), ...extra });

const config = configOf({
  version: 1,
  project: { name: "np" },
  apps: { edgeAgent: { enabled: false }, aiopsAgent: { enabled: false }, healthMonitor: { enabled: false } },
  networks: { front: {}, back: { internal: true }, ops: { internal: true } },
  services: {
    a: svc(["front"], { ports: ["8080:8080"] }),
    b: svc(["front", "back"]),
    c: svc(["back"], { ports: ["127.0.0.1:9090:8080"] }),
    d: svc(["ops"]),
    e: svc(undefined),
    f: svc(undefined),
  },
});
const objects = objectsOf(k8sOfConfig(config));
const policies = [...byKind(objects, "NetworkPolicy").values()];
const pods = new Map(workloads(objects).map((w) => [w.metadata.name, w.spec.template.metadata.labels as Record<string, string>]));

const selects = (sel: Any, labels: Record<string, string>) => Object.entries(sel?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
const peerIsPod = (peer: Any, labels: Record<string, string>) => peer.podSelector !== undefined && peer.namespaceSelector === undefined && peer.ipBlock === undefined && selects(peer.podSelector, labels);
const governing = (labels: Record<string, string>, type: string): Obj[] => policies.filter((p) => selects(p.spec.podSelector, labels) && p.spec.policyTypes.includes(type));

/** Kubernetes semantics: a pod selected by any policy of a type is isolated for it; rules of all such policies add up. */
function allowed(src: string, dst: string): boolean {
  const s = pods.get(src) as Record<string, string>;
  const d = pods.get(dst) as Record<string, string>;
  const egress = governing(s, "Egress").some((p) => (p.spec.egress ?? []).some((r: Any) => r.to === undefined || r.to.some((peer: Any) => peerIsPod(peer, d))));
  const ingress = governing(d, "Ingress").some((p) => (p.spec.ingress ?? []).some((r: Any) => r.from === undefined || r.from.some((peer: Any) => peerIsPod(peer, s))));
  return egress && ingress;
}

describe("NetworkPolicy from the config's network segmentation", () => {
  it("allows exactly the pod-to-pod paths between containers sharing a network", () => {
    const names = [...pods.keys()].sort();
    const reachable = names.flatMap((s) => names.filter((d) => s !== d && allowed(s, d)).map((d) => `${s}->${d}`));
    expect(reachable).toEqual(["a->b", "b->a", "b->c", "c->b", "e->f", "f->e"]);
  });

  it("denies everything by default, for ingress and egress", () => {
    const deny = policies.find((p) => p.metadata.name === "default-deny");
    expect(deny?.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
  });

  it("lets every pod reach the cluster DNS, and only pods on non-internal networks reach outside the cluster", () => {
    const external = (name: string) => governing(pods.get(name) as Record<string, string>, "Egress").some((p) => (p.spec.egress ?? []).some((r: Any) => (r.to ?? []).some((peer: Any) => peer.ipBlock?.cidr === "0.0.0.0/0")));
    const dns = (name: string) => governing(pods.get(name) as Record<string, string>, "Egress").some((p) => (p.spec.egress ?? []).some((r: Any) => (r.ports ?? []).some((x: Any) => x.port === 53 && x.protocol === "UDP") && r.to[0].namespaceSelector.matchLabels["kubernetes.io/metadata.name"] === "kube-system"));
    for (const n of pods.keys()) expect(dns(n), n).toBe(true);
    expect([...pods.keys()].filter(external).sort()).toEqual(["a", "b", "e", "f"]);
  });

  it("opens a published port to any source unless it is bound to loopback", () => {
    const published = policies.filter((p) => p.metadata.name.startsWith("published-"));
    expect(published.map((p) => p.metadata.name)).toEqual(["published-a"]);
    expect(published[0]?.spec.ingress).toEqual([{ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }, { ipBlock: { cidr: "::/0" } }], ports: [{ protocol: "TCP", port: 8080 }] }]);
  });
});
