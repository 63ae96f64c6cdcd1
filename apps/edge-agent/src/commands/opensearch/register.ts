/**
 * `edge-agent opensearch create-domain --config <file> [--dry-run] [--yes]`: provisions the Amazon OpenSearch
 * Service domain described by the config's `opensearch` section (mode `aws`), idempotently. See ../../aws/provision.ts
 * for the flow and https://docs.aws.amazon.com/opensearch-service/latest/APIReference/API_CreateDomain.html.
 * @module
 */
import { setTimeout as delay } from "node:timers/promises";
import { ConfigError, describeSecretRef } from "@soc/config";
import { InvalidArgumentError, type Command } from "commander";
import type { CliIo } from "../../cli-program.js";
import { createOpenSearchClient, type ClientOptions, type OpenSearchApi } from "../../aws/client.js";
import { inquirerConfirm, type Confirm } from "../../aws/confirm.js";
import { loadDomainConfig, resolveSecretRef } from "../../aws/domain-config.js";
import { DomainProvisioningError } from "../../aws/errors.js";
import { createProgressBar } from "../../aws/progress.js";
import { provisionDomain } from "../../aws/provision.js";
import type { Sleep } from "../../aws/retry.js";

/** IO of the `opensearch` commands; every field has a default for the real CLI. */
export interface OpenSearchCommandDeps {
  /** Environment for `SOC__…` overrides and `{ secretRef: { env } }` (default: empty — the entry point passes `process.env`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Builds the client for the config's region (default {@link createOpenSearchClient}). */
  readonly createClient: (region: string, opts: ClientOptions) => OpenSearchApi;
  /** Where confirmations are read (default `process.stdin`). */
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Where the prompt and the progress bar are drawn (default `process.stderr`). */
  readonly stderr: NodeJS.WritableStream;
  /** Asks yes/no (default @inquirer/confirm on `stdin`/`stderr`). */
  readonly confirm?: Confirm;
  /** Someone can answer (default `stdin.isTTY === true`). */
  readonly interactive?: boolean;
  /** Waits (default `timers/promises.setTimeout`, abortable). */
  readonly sleep: Sleep;
  /** Clock in ms (default `Date.now`). */
  readonly now: () => number;
  /** Jitter source (default `Math.random`). */
  readonly random: () => number;
  /** Cancels calls, prompts and waits (e.g. on SIGINT). */
  readonly signal?: AbortSignal;
}

/**
 * A {@link CliIo} that may carry {@link OpenSearchCommandDeps} overrides under `opensearch` (the entry point passes
 * `env`; tests pass a mocked client factory, an instant sleep and a fake clock).
 */
export interface OpenSearchCliIo extends CliIo {
  readonly opensearch?: Partial<OpenSearchCommandDeps>;
}

const defaultSleep: Sleep = (ms, signal) => delay(ms, undefined, signal ? { signal } : {});

function defaults(over: Partial<OpenSearchCommandDeps> | undefined): OpenSearchCommandDeps {
  return {
    env: {},
    createClient: createOpenSearchClient,
    stdin: process.stdin,
    stderr: process.stderr,
    sleep: defaultSleep,
    now: Date.now,
    random: Math.random,
    ...over,
  };
}

function positiveNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("must be a positive number");
  return n;
}

interface CreateDomainFlags {
  config: string;
  dryRun?: boolean;
  yes?: boolean;
  profile?: string;
  timeout: number;
  pollInterval: number;
}

/**
 * Adds `opensearch create-domain` to the program. Exit codes: 0 done (created, updated, up to date, dry run);
 * 1 AWS error, wait timeout, or confirmation declined; 2 invalid config (including mode `endpoint`);
 * 3 confirmation needed but stdin is not a terminal (use `--yes`); 130 aborted.
 * @param program - the root command.
 * @param io - output sinks, optionally with `opensearch` dependency overrides ({@link OpenSearchCliIo}).
 */
export function registerOpenSearchCommands(program: Command, io: OpenSearchCliIo): void {
  const os = program.command("opensearch").description("Amazon OpenSearch Service domain provisioning.");
  os.command("create-domain")
    .description("Create (or update to match) the AWS OpenSearch Service domain of the config's opensearch section (mode aws), then wait until it is ready.")
    .requiredOption("--config <file>", "config file (YAML or JSON)")
    .option("--dry-run", "print the plan only; no AWS call")
    .option("--yes", "do not ask for confirmation (needed when stdin is not a terminal)")
    .option("--profile <name>", "AWS shared-config profile for credentials")
    .option("--timeout <minutes>", "how long to wait for the domain to be ready", positiveNumber, 60)
    .option("--poll-interval <seconds>", "delay between DescribeDomain polls while waiting", positiveNumber, 30)
    .action(async (o: CreateDomainFlags) => {
      const deps = defaults(io.opensearch);
      try {
        const { domain, secrets, baseDir } = await loadDomainConfig(o.config, deps.env);
        const ref = domain.fineGrainedAccess.enabled && domain.fineGrainedAccess.masterUserArn === undefined ? domain.fineGrainedAccess.masterUserPassword : undefined;
        const masterUserPassword = ref === undefined
          ? undefined
          : o.dryRun ? "<not resolved in a dry run>" : await resolveSecretRef(ref, "opensearch.fineGrainedAccess.masterUserPassword", { env: deps.env, secrets, baseDir });
        const outcome = await provisionDomain(
          {
            domain,
            dryRun: o.dryRun === true,
            yes: o.yes === true,
            waitTimeoutMs: o.timeout * 60_000,
            pollIntervalMs: o.pollInterval * 1000,
            ...(masterUserPassword !== undefined ? { masterUserPassword } : {}),
            ...(ref !== undefined ? { passwordSource: describeSecretRef(ref) } : {}),
          },
          {
            client: () => deps.createClient(domain.region, o.profile !== undefined ? { profile: o.profile } : {}),
            out: io.out,
            err: io.err,
            confirm: deps.confirm ?? inquirerConfirm(deps.stdin, deps.stderr),
            interactive: deps.interactive ?? deps.stdin.isTTY === true,
            sleep: deps.sleep,
            now: deps.now,
            random: deps.random,
            progress: (label) => createProgressBar({ label, stream: deps.stderr }),
            ...(deps.signal ? { signal: deps.signal } : {}),
          },
        );
        if (outcome.action === "declined") io.setExitCode(1);
      } catch (err) {
        if (err instanceof DomainProvisioningError) {
          io.err(`edge-agent opensearch create-domain: ${err.message}`);
          io.setExitCode(err.exitCode);
        } else if (err instanceof ConfigError) {
          io.err(`edge-agent opensearch create-domain: ${err.message}`);
          io.setExitCode(2);
        } else {
          throw err;
        }
      }
    });
}
