/**
 * Test helpers for the Kubernetes output: the vendored Kubernetes 1.32.2 strict JSON Schemas compiled with
 * ajv exactly as schemas/k8s/README.md says (validators cached per kind), and the emitted files parsed back.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseConfig, type SocConfig } from "@soc/config";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { parse } from "yaml";
import { buildModel, emitK8s, K8S_DIR, k8sSettings } from "../../src/index.js";

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const SCHEMAS = path.join(import.meta.dirname, "../../schemas/k8s");
const cache = new Map<string, ValidateFunction>();
let ajv: Ajv | undefined;

/** yannh file name of a kind: `<kind>-<group>-<version>.json`, `<kind>-<version>.json` for the core group. */
export function schemaFile(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes("/") ? (apiVersion.split("/") as [string, string]) : ["", apiVersion];
  return `${kind.toLowerCase()}${group ? `-${group.split(".")[0]}` : ""}-${version}.json`;
}

/** True when a strict schema for this apiVersion/kind is vendored. */
export function hasSchema(apiVersion: string, kind: string): boolean {
  try {
    readFileSync(path.join(SCHEMAS, schemaFile(apiVersion, kind)));
    return true;
  } catch {
    return false;
  }
}

/** ajv error lines of `obj` against the strict schema of its kind (empty when valid). */
export function k8sSchemaErrors(obj: { apiVersion: string; kind: string }): string[] {
  const file = schemaFile(obj.apiVersion, obj.kind);
  let validate = cache.get(file);
  if (validate === undefined) {
    if (ajv === undefined) {
      ajv = new Ajv({ strict: false, allErrors: true, allowUnionTypes: true });
      addFormats(ajv);
      ajv.addFormat("int-or-string", true);
    }
    const schema = JSON.parse(readFileSync(path.join(SCHEMAS, file), "utf8")) as Record<string, unknown>;
    delete schema.$schema;
    delete schema.$id;
    validate = ajv.compile(schema);
    cache.set(file, validate);
  }
  return validate(obj) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
}

/** A parsed Kubernetes object (loosely typed for assertions). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: any; data?: Record<string, string>; automountServiceAccountToken?: boolean };

/** The objects of an emitted `k8s/` map (every `*.yaml` except the kustomization), in file order. */
export function objectsOf(files: Map<string, string>): Obj[] {
  return [...files]
    .filter(([f]) => f.startsWith(`${K8S_DIR}/`) && f.endsWith(".yaml") && f !== `${K8S_DIR}/kustomization.yaml`)
    .map(([, text]) => parse(text) as Obj);
}

/** Parses a config object (as a YAML file would hold it) with the real schema. */
export function configOf(value: unknown): SocConfig {
  return parseConfig(value, { source: "inline.yaml" });
}

/** The `k8s/` files of an inline config (model built with outDir `/virtual/out`). */
export function k8sOfConfig(config: SocConfig): Map<string, string> {
  const model = buildModel(config, { baseDir: "/virtual/cfg", outDir: "/virtual/out" });
  return emitK8s(model, k8sSettings(config));
}

/** The objects of `kind`, by name. */
export function byKind(objects: Obj[], kind: string): Map<string, Obj> {
  return new Map(objects.filter((o) => o.kind === kind).map((o) => [o.metadata.name, o]));
}

/** Pod-owning workloads. */
export function workloads(objects: Obj[]): Obj[] {
  return objects.filter((o) => o.kind === "Deployment" || o.kind === "DaemonSet");
}
