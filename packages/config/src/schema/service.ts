/**
 * Third-party containers (`services`): anything the stack runs besides our own apps — Suricata, Redis,
 * Prometheus, Grafana, Wazuh, TheHive... Written with the Compose specification's fields in camelCase.
 */
import { z } from "zod";
import { PlacementFields, SecurityFields } from "./container.js";
import { Duration, Name, Port } from "./primitives.js";

/** How Prometheus scrapes this service, when it exposes metrics. */
export const ScrapeTarget = z.strictObject({
  port: Port,
  path: z.string().startsWith("/").default("/metrics"),
  interval: Duration.optional(),
});

/** A third-party container. Either `image` or `build` is required. */
export const Service = z
  .strictObject({
    description: z.string().optional(),
    enabled: z.boolean().default(true),
    image: z.string().min(1).optional().describe("Image reference; pin a tag or digest (the lint flags :latest)."),
    build: z
      .strictObject({ context: z.string().min(1), dockerfile: z.string().optional(), args: z.record(z.string(), z.string()).optional(), target: z.string().optional() })
      .optional(),
    command: z.union([z.string(), z.array(z.string())]).optional(),
    entrypoint: z.union([z.string(), z.array(z.string())]).optional(),
    workingDir: z.string().optional(),
    hostname: z.string().optional(),
    containerName: z.string().optional(),
    expose: z.array(Port).optional(),
    stopGracePeriod: Duration.optional(),
    shmSize: z.union([z.string(), z.number()]).optional(),
    extraHosts: z.array(z.string()).optional(),
    scrape: ScrapeTarget.optional().describe("Prometheus scrape target exposed by this service."),
    ...PlacementFields,
    ...SecurityFields,
  })
  .refine((s) => s.image !== undefined || s.build !== undefined, { message: "a service needs `image` or `build`", path: ["image"] });
/** @see {@link Service} */
export type Service = z.infer<typeof Service>;

/** The `services` section: third-party containers by name. */
export const Services = z.record(Name, Service).default({});
