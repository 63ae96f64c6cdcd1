/**
 * Stack-wide sections: project, site and host (with the resource budget), images, networks, volumes,
 * secrets, profiles, monitoring, logging, Kubernetes settings and feature flags.
 */
import { z } from "zod";
import { Cpus, Duration, EnvName, LogLevel, Memory, Name, SecretRef } from "./primitives.js";

/** The project: its name prefixes Compose project, Kubernetes labels and image names. */
export const Project = z.strictObject({
  name: Name.describe("Project name (Compose project name, Kubernetes part-of label)."),
  description: z.string().optional(),
  environment: z.enum(["production", "staging", "development"]).default("production"),
});

/** Where the stack runs, for people and for labels. */
export const Site = z.strictObject({
  name: z.string().min(1).optional(),
  location: z.string().optional(),
  timezone: z.string().default("UTC"),
});

/**
 * The machine the stack runs on, and how much of it the containers may use. The sum of the enabled
 * containers' limits must fit `cpus`/`memory` minus `headroom` (the Pi edge seed keeps 3.5 GB for the OS and
 * packet capture).
 */
export const Host = z.strictObject({
  name: z.string().min(1).optional(),
  arch: z.enum(["arm64", "amd64"]).default("arm64"),
  model: z.string().default("raspberry-pi-5").describe("Hardware model, e.g. raspberry-pi-5, generic-x86."),
  cpus: Cpus.default(4),
  memory: Memory.default("8G"),
  headroom: z
    .strictObject({
      cpus: z.number().min(0).default(0),
      memory: Memory.default("3.5G"),
      reason: z.string().default("OS, page cache and packet capture buffers"),
    })
    .prefault({}),
  budgetScope: z.enum(["all", "per-profile"]).default("all")
    .describe("all: every enabled container at once must fit; per-profile: the always-on containers plus any one profile must fit."),
});

/** Image naming and the platforms to build. */
export const Images = z.strictObject({
  registry: z.string().default("ghcr.io/soc-stack"),
  tag: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, "expected a Docker tag").default("0.1.0"),
  platforms: z.array(z.enum(["linux/amd64", "linux/arm64", "linux/arm/v7"])).min(1).default(["linux/amd64", "linux/arm64"]),
});

/** A network for segmentation. `internal: true` networks have no route outside the host. */
export const Network = z.strictObject({
  description: z.string().optional(),
  driver: z.string().default("bridge"),
  internal: z.boolean().default(false),
  subnet: z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, "expected an IPv4 CIDR such as 172.20.0.0/24").optional(),
  external: z.boolean().optional(),
});

/** A named volume. */
export const Volume = z.strictObject({
  description: z.string().optional(),
  driver: z.string().optional(),
  driverOpts: z.record(z.string(), z.string()).optional(),
  external: z.boolean().optional(),
});

/** A secret: where its value comes from at deploy time (a file on the host or an environment variable). */
export const Secret = z.union([
  z.strictObject({ file: z.string().min(1), description: z.string().optional() }),
  z.strictObject({ env: EnvName, description: z.string().optional() }),
]);

/** A Compose profile. `includes` makes this profile also start the services of other profiles (e.g. `full`). */
export const Profile = z.strictObject({
  description: z.string().optional(),
  includes: z.array(Name).default([]),
});

/** Where alerts go: Alertmanager first, direct receivers when there is none. */
export const Receiver = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("alertmanager"), url: z.url() }),
  z.strictObject({ type: z.literal("webhook"), url: z.union([z.url(), SecretRef]), hmacSecret: SecretRef.optional() }),
  z.strictObject({ type: z.literal("slack"), webhookUrl: SecretRef }),
  z.strictObject({ type: z.literal("pagerduty"), routingKey: SecretRef }),
]);

/** Prometheus and alert routing. */
export const Monitoring = z.strictObject({
  prometheus: z
    .strictObject({
      scrapeInterval: Duration.default("15s"),
      evaluationInterval: Duration.default("15s"),
      retention: Duration.default("15d"),
    })
    .prefault({}),
  receivers: z.record(Name, Receiver).default({}),
});

/** Log level and format for every app (apps may override the level). */
export const Logging = z.strictObject({
  level: LogLevel.default("info"),
  format: z.enum(["json", "pretty"]).default("json"),
});

/** Kubernetes output settings. */
export const Kubernetes = z
  .strictObject({
    namespace: Name.default("soc"),
    imagePullPolicy: z.enum(["IfNotPresent", "Always", "Never"]).default("IfNotPresent")
      .describe("IfNotPresent: images are pinned by tag, so a node's cached copy is the right one."),
    hpa: z
      .strictObject({
        enabled: z.boolean().default(true),
        minReplicas: z.number().int().min(1).default(2),
        maxReplicas: z.number().int().min(1).default(4),
        targetCpuUtilization: z.number().int().min(1).max(100).default(70),
      })
      .prefault({})
      .refine((h) => h.maxReplicas > h.minReplicas, { message: "maxReplicas must be greater than minReplicas", path: ["maxReplicas"] }),
    pdb: z.strictObject({ enabled: z.boolean().default(true), maxUnavailable: z.number().int().min(1).default(1) }).prefault({}),
    idsNodeLabel: z.string().default("soc.io/ids=true").describe("Nodes labelled for IDS run the edge agent DaemonSet."),
  })
  .prefault({});

/** Feature flags: named switches passed to every app (experimental behaviour). */
export const Features = z.record(z.string().regex(/^[a-z][a-zA-Z0-9]*$/, "expected a camelCase flag name"), z.boolean()).default({});

/** Re-exported for the root schema. */
export { Memory };
