/**
 * The config's network segmentation → NetworkPolicies (https://kubernetes.io/docs/concepts/services-networking/network-policies/):
 *
 * - `default-deny`: every pod of the namespace, no ingress and no egress;
 * - `allow-dns`: every pod may query the cluster DNS (kube-system/kube-dns, UDP and TCP 53);
 * - `network-<n>` per Compose network with at least one pod: its members (pods labelled
 *   `network.soc-stack.org/<n>: "true"`) may talk to each other on any port, like containers on one Compose
 *   network; when the network is not `internal`, members may also reach addresses outside the cluster;
 * - `published-<container>`: a port Compose publishes on a non-loopback host address is open to any source.
 * Policies are additive, so a pod on two networks reaches the members of both and nothing else.
 */
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { IIoK8sApiNetworkingV1NetworkPolicyPort } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort";
import type { ContainerSpec, NetworkSpec } from "../model/types.js";
import { DEFAULT_NETWORK, NETWORK_LABEL_PREFIX, networksOf, recommendedLabels, selectorLabels } from "./labels.js";

const ANYWHERE = [{ ipBlock: { cidr: "0.0.0.0/0" } }, { ipBlock: { cidr: "::/0" } }];
const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

/** The NetworkPolicies of `containers` (the workloads that run on Kubernetes), sorted by name. */
export function networkPolicies(project: string, namespace: string, containers: ContainerSpec[], networks: NetworkSpec[]): INetworkPolicy[] {
  const meta = (name: string) => ({ name, namespace, labels: recommendedLabels(project, name, "network-policy") });
  const out: INetworkPolicy[] = [
    { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: meta("default-deny"), spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: meta("allow-dns"),
      spec: {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [{
          to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
          ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
        }],
      },
    },
  ];
  const used = [...new Set(containers.flatMap(networksOf))].sort();
  for (const n of used) {
    const members = { matchLabels: { [`${NETWORK_LABEL_PREFIX}${n}`]: "true" } };
    const spec = networks.find((x) => x.name === n);
    const internal = n === DEFAULT_NETWORK ? false : (spec?.internal ?? false);
    out.push({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: meta(`network-${n}`),
      spec: {
        podSelector: members,
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: [{ podSelector: members }] }],
        egress: [{ to: [{ podSelector: members }] }, ...(internal ? [] : [{ to: ANYWHERE }])],
      },
    });
  }
  for (const c of containers) {
    const ports: IIoK8sApiNetworkingV1NetworkPolicyPort[] = c.ports
      .filter((p) => p.published !== undefined && typeof p.target === "number" && !LOOPBACK.has(p.hostIp ?? ""))
      .map((p) => ({ protocol: p.protocol.toUpperCase() as "TCP" | "UDP" | "SCTP", port: p.target as number }));
    if (!ports.length) continue;
    out.push({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: meta(`published-${c.name}`),
      spec: { podSelector: { matchLabels: selectorLabels(c.name) }, policyTypes: ["Ingress"], ingress: [{ from: ANYWHERE, ports }] },
    });
  }
  return out.sort((a, b) => (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""));
}
