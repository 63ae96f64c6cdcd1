/**
 * The `create-domain` flow: plan → DescribeDomain → CreateDomain or UpdateDomainConfig (after confirmation) → wait
 * until the domain is ready → endpoint. IO (client, output, prompts, clock) is injected.
 * APIs: https://docs.aws.amazon.com/opensearch-service/latest/APIReference/API_DescribeDomain.html,
 * https://docs.aws.amazon.com/opensearch-service/latest/APIReference/API_CreateDomain.html,
 * https://docs.aws.amazon.com/opensearch-service/latest/APIReference/API_UpdateDomainConfig.html.
 * @module
 */
import { CreateDomainCommand, DescribeDomainCommand, UpdateDomainConfigCommand, type DomainStatus } from "@aws-sdk/client-opensearch";
import type { OpenSearchApi } from "./client.js";
import { approve, type Confirm } from "./confirm.js";
import type { AwsDomainConfig } from "./domain-config.js";
import { diffDomain } from "./domain-diff.js";
import { toCreateDomainInput } from "./domain-input.js";
import { AwsApiError, DomainStateError } from "./errors.js";
import { formatCreatePlan, formatDiff, formatEngineUpgrade } from "./plan-format.js";
import { callWithRetry, type RetryOptions, type Sleep } from "./retry.js";
import { domainEndpoint, isDomainReady, waitForDomain, type WaitProgress } from "./wait.js";

/** What to provision and how. */
export interface ProvisionRequest {
  /** The `opensearch` section (mode `aws`). */
  readonly domain: AwsDomainConfig;
  /** Resolved master user password (only for `masterUserName`; a dry run may pass a placeholder). */
  readonly masterUserPassword?: string;
  /** How the password is referenced, for the plan (e.g. `<secret: env OS_PASSWORD>`). */
  readonly passwordSource?: string;
  /** Print the plan only; no AWS call, no client built. */
  readonly dryRun: boolean;
  /** Do not ask before creating or updating. */
  readonly yes: boolean;
  /** Time budget of the wait, in ms (default 60 min). */
  readonly waitTimeoutMs?: number;
  /** Delay between DescribeDomain polls while waiting, in ms (default 30 s). */
  readonly pollIntervalMs?: number;
}

/** Injected IO of {@link provisionDomain}. */
export interface ProvisionDeps {
  /** Builds the client (called once, never in a dry run). */
  readonly client: () => OpenSearchApi;
  /** Report output (plan, diff, result). */
  readonly out: (text: string) => void;
  /** Diagnostics (retries, notes). */
  readonly err: (text: string) => void;
  /** Asks yes/no. */
  readonly confirm: Confirm;
  /** Someone can answer on stdin. */
  readonly interactive: boolean;
  /** Waits between polls and retries. */
  readonly sleep: Sleep;
  /** Clock in ms. */
  readonly now: () => number;
  /** Jitter source in [0, 1) (default `Math.random`). */
  readonly random?: () => number;
  /** Retry tuning of every call (attempts and backoff). */
  readonly retry?: Pick<RetryOptions, "maxAttempts" | "baseMs" | "capMs">;
  /** Progress sink of the wait, given its label. */
  readonly progress?: (label: string) => WaitProgress;
  /** Cancels retries, prompts and the wait. */
  readonly signal?: AbortSignal;
}

/** How {@link provisionDomain} ended. */
export interface ProvisionOutcome {
  /** `planned` (dry run), `created`, `updated`, `up-to-date`, `declined` (confirmation answered no). */
  readonly action: "planned" | "created" | "updated" | "up-to-date" | "declined";
  /** Domain endpoint host name, when the domain is ready. */
  readonly endpoint?: string;
  /** Final `DomainStatus`, when one was read. */
  readonly status?: DomainStatus;
}

/**
 * Runs the flow. Output on `out`: the plan (new domain) or diff (existing, different), then
 * `Domain "<name>" is ready: https://<endpoint>` or `… is up to date`.
 * @throws {DomainConfigError} when the config cannot be provisioned (before any call).
 * @throws {ConfirmationRequiredError} when a change needs confirmation, stdin is not interactive and `yes` is false.
 * @throws {AwsApiError} for AWS errors (validation, access denied, …) with the AWS message and request id.
 * @throws {DomainStateError} when the domain is being deleted.
 * @throws {DomainWaitTimeoutError} / {DomainWaitAbortedError} from the wait.
 */
export async function provisionDomain(req: ProvisionRequest, deps: ProvisionDeps): Promise<ProvisionOutcome> {
  const d = req.domain;
  const desired = toCreateDomainInput(d, req.masterUserPassword !== undefined ? { masterUserPassword: req.masterUserPassword } : {});
  const plan = formatCreatePlan(desired, d.region, req.passwordSource);
  if (req.dryRun) {
    deps.out(`${plan}\n(dry run: no AWS call was made)`);
    return { action: "planned" };
  }

  const client = deps.client();
  const retry: RetryOptions = {
    ...deps.retry,
    sleep: deps.sleep,
    ...(deps.random ? { random: deps.random } : {}),
    ...(deps.signal ? { signal: deps.signal } : {}),
    onRetry: ({ operation, attempt, delayMs, error }) => deps.err(`${operation}: ${error.code} (attempt ${attempt}), retrying in ${(delayMs / 1000).toFixed(1)} s`),
  };
  const describe = async (): Promise<DomainStatus> => {
    const res = await callWithRetry("DescribeDomain", () => client.send(new DescribeDomainCommand({ DomainName: d.domainName }), deps.signal ? { abortSignal: deps.signal } : {}), retry);
    if (res.DomainStatus === undefined) throw new AwsApiError("DescribeDomain", "EmptyResponse", "DescribeDomain returned no DomainStatus", res.$metadata.requestId, res.$metadata.httpStatusCode, 1);
    return res.DomainStatus;
  };
  const ask = (question: string): Promise<boolean> =>
    approve({ yes: req.yes, interactive: deps.interactive, confirm: deps.confirm, question, ...(deps.signal ? { signal: deps.signal } : {}) });
  const waitReady = async (action: ProvisionOutcome["action"]): Promise<ProvisionOutcome> => {
    const status = await waitForDomain({
      domainName: d.domainName,
      describe,
      now: deps.now,
      sleep: deps.sleep,
      ...(req.waitTimeoutMs !== undefined ? { timeoutMs: req.waitTimeoutMs } : {}),
      ...(req.pollIntervalMs !== undefined ? { intervalMs: req.pollIntervalMs } : {}),
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(deps.progress ? { progress: deps.progress(`waiting for ${d.domainName}`) } : {}),
    });
    const endpoint = domainEndpoint(status) as string;
    deps.out(`Domain "${d.domainName}" is ready: https://${endpoint} (Dashboards: https://${endpoint}/_dashboards)`);
    return { action, endpoint, status };
  };

  let current: DomainStatus | undefined;
  try {
    current = await describe();
  } catch (err) {
    if (!(err instanceof AwsApiError && err.code === "ResourceNotFoundException")) throw err;
  }

  if (current === undefined) {
    deps.out(plan);
    if (!(await ask(`Create OpenSearch Service domain "${d.domainName}" in ${d.region}? AWS bills it by the hour`))) {
      deps.out("Cancelled: nothing was created.");
      return { action: "declined" };
    }
    try {
      await callWithRetry("CreateDomain", () => client.send(new CreateDomainCommand(desired), deps.signal ? { abortSignal: deps.signal } : {}), retry);
    } catch (err) {
      // A retried CreateDomain whose earlier attempt went through (e.g. 5xx after AWS accepted it) finds the domain.
      if (!(err instanceof AwsApiError && err.code === "ResourceAlreadyExistsException" && err.attempts > 1)) throw err;
    }
    deps.err(`CreateDomain accepted for "${d.domainName}"; a new domain usually takes 15–30 minutes`);
    return waitReady("created");
  }

  if (current.Deleted) throw new DomainStateError(`domain "${d.domainName}" is being deleted; run create-domain again once the deletion has finished`);
  const diff = diffDomain(current, desired);
  const update = diff.update;
  if (update === undefined) {
    if (diff.engineUpgrade !== undefined) deps.err(formatEngineUpgrade(d.domainName, diff.engineUpgrade).trim());
    if (!isDomainReady(current)) {
      deps.out(`Domain "${d.domainName}" matches the config and is still processing a change; waiting for it.`);
      return waitReady("up-to-date");
    }
    const endpoint = domainEndpoint(current);
    deps.out(`Domain "${d.domainName}" is up to date: https://${endpoint ?? "(no endpoint)"}`);
    return { action: "up-to-date", status: current, ...(endpoint !== undefined ? { endpoint } : {}) };
  }

  deps.out(formatDiff(d.domainName, diff));
  if (!(await ask(`Apply ${diff.changes.length} change(s) to "${d.domainName}" with UpdateDomainConfig? Some changes start a blue/green deployment`))) {
    deps.out("Cancelled: the domain was not changed.");
    return { action: "declined" };
  }
  await callWithRetry("UpdateDomainConfig", () => client.send(new UpdateDomainConfigCommand(update), deps.signal ? { abortSignal: deps.signal } : {}), retry);
  deps.err(`UpdateDomainConfig accepted for "${d.domainName}"`);
  return waitReady("updated");
}
