/**
 * Recommended labels (https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/) and
 * the network-membership labels NetworkPolicies select on.
 */
import type { ContainerSpec, ProfileSpec } from "../model/types.js";

/** `app.kubernetes.io/managed-by` of every object. */
export const MANAGED_BY = "compose-gen";
/** Prefix of the pod labels marking network membership: `network.soc-stack.org/<network>: "true"`. */
export const NETWORK_LABEL_PREFIX = "network.soc-stack.org/";
/** Compose's implicit network for containers that declare none. */
export const DEFAULT_NETWORK = "default";

/**
 * The five recommended labels. `instance` equals the object's name (Polaris `metadataAndInstanceMismatched`);
 * `component` is the container's first profile (its stack) or `core`.
 */
export function recommendedLabels(project: string, name: string, component: string): Record<string, string> {
  return {
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/instance": name,
    "app.kubernetes.io/managed-by": MANAGED_BY,
    "app.kubernetes.io/name": name,
    "app.kubernetes.io/part-of": project,
  };
}

/**
 * The component label of a container: the first of its profiles that activates none of its other profiles
 * (its own stack, `monitoring`, rather than an umbrella such as `full`), or `core` when it always runs.
 */
export function componentOf(c: ContainerSpec, profiles: ProfileSpec[]): string {
  const own = c.profiles.filter((p) => {
    const activates = profiles.find((x) => x.name === p)?.activates ?? [p];
    return !c.profiles.some((q) => q !== p && activates.includes(q));
  });
  return own[0] ?? c.profiles[0] ?? "core";
}

/** Labels selecting the pods of a workload (immutable in Deployments, so only name + instance). */
export function selectorLabels(name: string): Record<string, string> {
  return { "app.kubernetes.io/instance": name, "app.kubernetes.io/name": name };
}

/** Networks a container is attached to, Compose's `default` when it declares none. */
export function networksOf(c: ContainerSpec): string[] {
  return c.networks.length ? c.networks : [DEFAULT_NETWORK];
}

/** Pod labels marking the container's network membership. */
export function networkLabels(c: ContainerSpec): Record<string, string> {
  return Object.fromEntries(networksOf(c).map((n) => [`${NETWORK_LABEL_PREFIX}${n}`, "true"]));
}
