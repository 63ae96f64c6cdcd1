/**
 * Pure diff between a domain as AWS describes it (`DomainStatus` from DescribeDomain,
 * https://docs.aws.amazon.com/opensearch-service/latest/APIReference/API_DescribeDomain.html) and the desired
 * CreateDomain request, giving the UpdateDomainConfig request that changes only what differs
 * (https://docs.aws.amazon.com/opensearch-service/latest/APIReference/API_UpdateDomainConfig.html).
 * @module
 */
import type { ClusterConfig, CreateDomainCommandInput, DomainStatus, EBSOptions, UpdateDomainConfigCommandInput } from "@aws-sdk/client-opensearch";

/** One field that differs, named by its path in the request (e.g. `ClusterConfig.InstanceCount`). */
export interface DomainChange {
  readonly path: string;
  /** The value AWS reports (`undefined` when not reported). */
  readonly from: unknown;
  /** The value the config asks for. */
  readonly to: unknown;
}

/** Result of {@link diffDomain}. */
export interface DomainDiff {
  /** Fields UpdateDomainConfig will change, in request order. */
  readonly changes: readonly DomainChange[];
  /**
   * Set when the engine version differs. That is an upgrade (UpgradeDomain,
   * https://docs.aws.amazon.com/opensearch-service/latest/APIReference/API_UpgradeDomain.html), never sent through
   * UpdateDomainConfig.
   */
  readonly engineUpgrade?: { readonly from: string | undefined; readonly to: string };
  /** Things that cannot be compared (e.g. the master user, which DescribeDomain does not return). */
  readonly notes: readonly string[];
  /** The request that applies {@link DomainDiff.changes}; `undefined` when there are none. */
  readonly update?: UpdateDomainConfigCommandInput;
}

/** JSON with object keys sorted and one-element arrays unwrapped (IAM treats `"a"` and `["a"]` alike). */
function canonicalJson(text: string): string {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.length === 1 ? walk(v[0]) : v.map(walk);
    if (v !== null && typeof v === "object") {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, walk((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  try {
    return JSON.stringify(walk(JSON.parse(text)));
  } catch {
    return text;
  }
}

/** Collects the keys of `desired` whose value differs from `actual`, recording each as a change under `prefix`. */
function diffKeys<T extends object>(prefix: string, actual: T | undefined, desired: T, keys: readonly (keyof T)[], out: DomainChange[]): (keyof T)[] {
  const changed: (keyof T)[] = [];
  for (const k of keys) {
    const to = desired[k];
    if (to === undefined) continue;
    const from = actual?.[k];
    if (from !== to) {
      changed.push(k);
      out.push({ path: `${prefix}.${String(k)}`, from, to });
    }
  }
  return changed;
}

function pick<T extends object>(src: T, keys: readonly (keyof T)[]): Partial<T> {
  const out: Partial<T> = {};
  for (const k of keys) if (src[k] !== undefined) out[k] = src[k];
  return out;
}

const DEDICATED: readonly (keyof ClusterConfig)[] = ["DedicatedMasterEnabled", "DedicatedMasterType", "DedicatedMasterCount"];

/**
 * Compares a described domain with the desired request.
 *
 * Compared: `ClusterConfig` (instance type/count, dedicated masters, zone awareness and its zone count), `EBSOptions`
 * (enabled, volume type, size), encryption at rest, node-to-node encryption, `DomainEndpointOptions` (HTTPS,
 * TLS policy), `AdvancedSecurityOptions` (enabled, internal user database) and `AccessPolicies` (as canonical JSON).
 * The update carries only changed fields, plus the fields AWS reads together with them (all dedicated-master
 * fields when one changes; `ZoneAwarenessConfig` with `ZoneAwarenessEnabled`; `EBSEnabled` with any EBS field; the
 * whole `AdvancedSecurityOptions` with the master user when it changes). `EngineVersion` is reported as an upgrade.
 * @param actual - `DomainStatus` from DescribeDomain.
 * @param desired - the CreateDomain request built from the config.
 */
export function diffDomain(actual: DomainStatus, desired: CreateDomainCommandInput): DomainDiff {
  const changes: DomainChange[] = [];
  const notes: string[] = [];
  const update: UpdateDomainConfigCommandInput = { DomainName: desired.DomainName };
  let any = false;

  const dc = desired.ClusterConfig;
  if (dc !== undefined) {
    const ac = actual.ClusterConfig;
    const keys: (keyof ClusterConfig)[] = ["InstanceType", "InstanceCount", "DedicatedMasterEnabled", "ZoneAwarenessEnabled"];
    if (dc.DedicatedMasterEnabled) keys.push("DedicatedMasterType", "DedicatedMasterCount");
    const changed = diffKeys("ClusterConfig", ac, dc, keys, changes);
    const azFrom = ac?.ZoneAwarenessConfig?.AvailabilityZoneCount;
    const azTo = dc.ZoneAwarenessConfig?.AvailabilityZoneCount;
    const azChanged = dc.ZoneAwarenessEnabled === true && azTo !== undefined && azFrom !== azTo;
    if (azChanged) changes.push({ path: "ClusterConfig.ZoneAwarenessConfig.AvailabilityZoneCount", from: azFrom, to: azTo });
    if (changed.length > 0 || azChanged) {
      const send = new Set<keyof ClusterConfig>(changed);
      if (changed.some((k) => DEDICATED.includes(k))) for (const k of DEDICATED) send.add(k);
      if (changed.includes("ZoneAwarenessEnabled") || azChanged) send.add("ZoneAwarenessEnabled").add("ZoneAwarenessConfig");
      update.ClusterConfig = pick(dc, [...send]);
      any = true;
    }
  }

  const de = desired.EBSOptions;
  if (de !== undefined) {
    const changed = diffKeys("EBSOptions", actual.EBSOptions, de, ["EBSEnabled", "VolumeType", "VolumeSize"] as (keyof EBSOptions)[], changes);
    if (changed.length > 0) {
      update.EBSOptions = pick(de, ["EBSEnabled", ...changed]);
      any = true;
    }
  }

  const simple = [
    ["EncryptionAtRestOptions", "Enabled"],
    ["NodeToNodeEncryptionOptions", "Enabled"],
  ] as const;
  for (const [section, key] of simple) {
    const to = desired[section]?.[key];
    const from = actual[section]?.[key];
    if (to !== undefined && from !== to) {
      changes.push({ path: `${section}.${key}`, from, to });
      update[section] = { [key]: to };
      any = true;
    }
  }

  const dep = desired.DomainEndpointOptions;
  if (dep !== undefined) {
    const changed = diffKeys("DomainEndpointOptions", actual.DomainEndpointOptions, dep, ["EnforceHTTPS", "TLSSecurityPolicy"], changes);
    if (changed.length > 0) {
      update.DomainEndpointOptions = pick(dep, changed);
      any = true;
    }
  }

  const das = desired.AdvancedSecurityOptions;
  if (das !== undefined) {
    const keys: ("Enabled" | "InternalUserDatabaseEnabled")[] = das.Enabled ? ["Enabled", "InternalUserDatabaseEnabled"] : ["Enabled"];
    const changed = diffKeys("AdvancedSecurityOptions", actual.AdvancedSecurityOptions, das, keys, changes);
    if (changed.length > 0) {
      update.AdvancedSecurityOptions = das;
      any = true;
    }
    if (das.Enabled) notes.push("the master user is not returned by DescribeDomain, so it is not compared (change it in the console or with update-domain-config)");
  }

  if (desired.AccessPolicies !== undefined) {
    const from = actual.AccessPolicies;
    if (from === undefined || from === "" || canonicalJson(from) !== canonicalJson(desired.AccessPolicies)) {
      changes.push({ path: "AccessPolicies", from: from === "" ? undefined : from, to: desired.AccessPolicies });
      update.AccessPolicies = desired.AccessPolicies;
      any = true;
    }
  }

  const to = desired.EngineVersion;
  const engineUpgrade = to !== undefined && actual.EngineVersion !== to ? { from: actual.EngineVersion, to } : undefined;
  return { changes, notes, ...(engineUpgrade ? { engineUpgrade } : {}), ...(any ? { update } : {}) };
}
