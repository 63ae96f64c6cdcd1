#!/usr/bin/env node
/**
 * `soc-config`: validate, print, schema, explain. The only place of this package that reads `process.env`
 * (SOC__* overrides). Exit codes: 0 ok, 1 invalid input (bad config, unknown path), 2 usage error.
 */
import { Command, CommanderError } from "commander";
import { stringify } from "yaml";
import { explain, formatFieldInfo, UnknownPathError } from "./explain.js";
import { toJsonSchema } from "./json-schema.js";
import { ConfigError, type ConfigIssue } from "./loader/errors.js";
import { loadConfig } from "./loader/load.js";
import { redact } from "./redact.js";
import { APP_NAMES, type AppKey } from "./schema/apps.js";

/** One file's result in `validate --json`. */
interface ValidateReport {
  file: string;
  valid: boolean;
  apps?: number;
  services?: number;
  overrides?: { variable: string; path: string }[];
  issues: ConfigIssue[];
}

const EXIT_INVALID = 1;
const EXIT_USAGE = 2;

const out = (s: string) => process.stdout.write(s.endsWith("\n") ? s : `${s}\n`);
const err = (s: string) => process.stderr.write(s.endsWith("\n") ? s : `${s}\n`);

/** Reports a user-facing error without a stack trace; rethrows bugs. */
function reportOrThrow(e: unknown, file?: string): number {
  if (e instanceof ConfigError) {
    err(`✗ ${file ?? "config"}: ${e.issues.length === 1 ? "1 problem" : `${e.issues.length} problems`}`);
    err(e.format());
    return EXIT_INVALID;
  }
  if (e instanceof UnknownPathError) {
    err(`✗ ${e.message}`);
    return EXIT_INVALID;
  }
  throw e;
}

function program(): Command {
  const p = new Command("soc-config")
    .description("Validate, print and document the SOC stack config (YAML 1.2 or JSON). SOC__SECTION__KEY=value environment variables override file values.")
    .showHelpAfterError("(run soc-config --help for usage)")
    .exitOverride();
  p.configureOutput({ writeErr: (s) => process.stderr.write(s) });

  p.command("validate")
    .description("check config files; prints one line per valid file, every problem of an invalid one (exit 1)")
    .argument("<file...>", "config files")
    .option("--json", "print one JSON report on stdout instead: [{ file, valid, apps, services, overrides, issues }]")
    .action(async (files: string[], opts: { json?: boolean }) => {
      let code = 0;
      const reports: ValidateReport[] = [];
      for (const f of files) {
        try {
          const { config, overrides } = await loadConfig(f, { env: process.env });
          const apps = (Object.keys(APP_NAMES) as AppKey[]).filter((k) => config.apps[k].enabled).length;
          const services = Object.values(config.services).filter((s) => s.enabled).length;
          reports.push({ file: f, valid: true, apps, services, overrides, issues: [] });
          if (opts.json === true) continue;
          const ov = overrides.length > 0 ? `, ${overrides.length} env override${overrides.length === 1 ? "" : "s"}` : "";
          out(`✓ ${f}: valid (${apps} app${apps === 1 ? "" : "s"}, ${services} service${services === 1 ? "" : "s"}${ov})`);
        } catch (e) {
          if (opts.json === true && e instanceof ConfigError) {
            reports.push({ file: f, valid: false, issues: e.issues });
            code = EXIT_INVALID;
          } else {
            code = reportOrThrow(e, f);
          }
        }
      }
      if (opts.json === true) out(JSON.stringify(reports, null, 2));
      process.exitCode = code;
    });

  p.command("print")
    .description("print the resolved config (defaults and env overrides applied, secrets redacted)")
    .argument("<file>", "config file")
    .option("--json", "print JSON instead of YAML")
    .action(async (file: string, opts: { json?: boolean }) => {
      try {
        const { config, overrides } = await loadConfig(file, { env: process.env });
        const shown = redact(config);
        if (opts.json === true) out(JSON.stringify(shown, null, 2));
        else {
          const header = [`# ${file}, resolved: defaults applied, secrets redacted`, ...overrides.map((o) => `# ${o.path} from env ${o.variable}`)];
          out(`${header.join("\n")}\n${stringify(shown, { lineWidth: 0 })}`);
        }
      } catch (e) {
        process.exitCode = reportOrThrow(e, file);
      }
    });

  p.command("schema")
    .description("print the JSON Schema (draft-07) of the config, for editors and other tools")
    .action(() => {
      out(JSON.stringify(toJsonSchema(), null, 2));
    });

  p.command("explain")
    .description("show a field's type, default, allowed values and description, e.g. apps.edgeAgent.shipper.batchMaxEvents")
    .argument("[path]", "dotted path (empty: the top level); map entries by any name, list items by index", "")
    .action((path: string) => {
      try {
        out(formatFieldInfo(explain(path)));
      } catch (e) {
        process.exitCode = reportOrThrow(e);
      }
    });
  return p;
}

async function main(argv: string[]): Promise<void> {
  try {
    await program().parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : EXIT_USAGE;
      return;
    }
    err(`soc-config: internal error: ${(e as Error).stack ?? String(e)}`);
    process.exitCode = 70;
  }
}

void main(process.argv);
