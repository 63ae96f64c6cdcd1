/**
 * The root of the config: `version: 1` and every section, with the cross-field checks (references and
 * the resource budget). A file holding only `version` and `project` is a valid Raspberry Pi 5 edge stack.
 */
import { z } from "zod";
import { Apps } from "./apps.js";
import { checkBudget } from "./budget.js";
import { OpenSearch } from "./opensearch.js";
import { checkReferences } from "./references.js";
import { Services } from "./service.js";
import { Features, Host, Images, Kubernetes, Logging, Monitoring, Network, Profile, Project, Secret, Site, Volume } from "./stack.js";
import { Name } from "./primitives.js";

/** The config's shape without the cross-field checks (used by the checks themselves and by `explain`). */
export const SocConfigShape = z.strictObject({
  $schema: z.string().optional().describe("JSON Schema reference for editors; ignored."),
  version: z.literal(1).describe("Config format version; only 1 exists."),
  project: Project,
  site: Site.prefault({}),
  host: Host.prefault({}),
  images: Images.prefault({}),
  apps: Apps,
  services: Services,
  profiles: z.record(Name, Profile).default({}),
  networks: z.record(Name, Network).default({}),
  volumes: z.record(Name, Volume).default({}),
  secrets: z.record(Name, Secret).default({}),
  opensearch: OpenSearch.default({
    mode: "endpoint", url: "http://opensearch:9200", auth: { type: "none" }, tls: { insecureSkipVerify: false }, indexPrefix: "suricata", retentionDays: 30,
  }),
  monitoring: Monitoring.prefault({}),
  logging: Logging.prefault({}),
  kubernetes: Kubernetes,
  features: Features,
});

/** The complete config schema (zod v4), including cross-field checks. */
export const SocConfigSchema = SocConfigShape.superRefine((cfg, ctx) => {
  checkReferences(cfg, ctx);
  for (const p of checkBudget(cfg)) ctx.addIssue({ code: "custom", path: p.path, message: p.message });
});

/** A parsed config with every default resolved. */
export type SocConfig = z.output<typeof SocConfigSchema>;
/** What a config file may contain (defaults optional). */
export type SocConfigInput = z.input<typeof SocConfigSchema>;
