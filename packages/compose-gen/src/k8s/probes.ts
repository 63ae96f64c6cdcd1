/**
 * Compose healthcheck → Kubernetes probes (https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/).
 *
 * - readiness: the healthcheck itself (an HTTP check against localhost becomes an `httpGet` probe, done by
 *   the kubelet, so the image needs no curl; anything else an `exec` probe);
 * - startup: the same check while `start_period` runs (`failureThreshold` = start period / period + retries);
 * - liveness: never a copy of readiness (kube-score `pod-probes-identical`): our apps use `/healthz` where
 *   readiness uses `/readyz`; third-party services a TCP check on the port they serve, or, with no port, the
 *   exec check with twice the period and failure threshold, so a slow dependency does not restart them.
 * Every `timeoutSeconds` is at least {@link MIN_PROBE_TIMEOUT} (readiness checks of @soc/metrics time out at 2 s).
 */
import type { IIoK8sApiCoreV1Probe } from "kubernetes-models/v1/Probe";
import type { ContainerSpec, HealthcheckSpec } from "../model/types.js";
import { durationSeconds, splitCommand } from "./units.js";

/** Smallest probe timeout emitted, in seconds. */
export const MIN_PROBE_TIMEOUT = 3;

/** The probes of one container, and notes about what could not be mapped. */
export interface Probes {
  readiness?: IIoK8sApiCoreV1Probe;
  liveness?: IIoK8sApiCoreV1Probe;
  startup?: IIoK8sApiCoreV1Probe;
  notes: string[];
}

type Handler = Pick<IIoK8sApiCoreV1Probe, "exec" | "httpGet" | "tcpSocket">;

const LOCAL_URL = /^(https?):\/\/(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(?::(\d+))?(\/[^\s'"]*)?$/;

/** The argv of a healthcheck test (`CMD-SHELL` strings split like a shell would, for URL detection only). */
function words(test: string[]): string[] {
  if (test[0] === "CMD-SHELL") return splitCommand(test.slice(1).join(" "));
  return test.slice(1);
}

/** An HTTP check against the container itself (`curl -f http://localhost:8000/health`, `wget --spider …`). */
export function httpCheckOf(test: string[]): { scheme: "HTTP" | "HTTPS"; port: number; path: string } | undefined {
  const argv = words(test);
  const tool = argv[0]?.split("/").pop();
  if (tool !== "curl" && tool !== "wget") return undefined;
  // A shell test doing more than one thing (`curl … && other`) stays an exec probe.
  if (test[0] === "CMD-SHELL" && /&&|;|\|(?!\|)/.test(test.slice(1).join(" ").replace(/\|\|\s*exit 1\s*$/, ""))) return undefined;
  for (const a of argv) {
    const m = LOCAL_URL.exec(a);
    if (m) {
      const scheme = m[1] === "https" ? "HTTPS" : "HTTP";
      return { scheme, port: m[2] !== undefined ? Number(m[2]) : scheme === "HTTPS" ? 443 : 80, path: m[3] ?? "/" };
    }
  }
  return undefined;
}

function execHandler(test: string[]): Handler {
  return { exec: { command: test[0] === "CMD-SHELL" ? ["/bin/sh", "-c", test.slice(1).join(" ")] : test.slice(1) } };
}

function timing(h: HealthcheckSpec): { periodSeconds: number; timeoutSeconds: number; failureThreshold: number } {
  return {
    periodSeconds: durationSeconds(h.interval),
    timeoutSeconds: Math.max(MIN_PROBE_TIMEOUT, durationSeconds(h.timeout)),
    failureThreshold: Math.max(1, h.retries),
  };
}

function startupOf(h: HealthcheckSpec, handler: Handler): IIoK8sApiCoreV1Probe | undefined {
  if (h.startPeriod === undefined) return undefined;
  const t = timing(h);
  const period = h.startInterval !== undefined ? durationSeconds(h.startInterval) : Math.min(t.periodSeconds, 10);
  return { ...handler, periodSeconds: period, timeoutSeconds: t.timeoutSeconds, failureThreshold: Math.ceil(durationSeconds(h.startPeriod) / period) + t.failureThreshold };
}

/**
 * The probes of a container.
 * @param appPort the metrics port of one of our apps (serves `/readyz` and `/healthz`); undefined for services
 * @param firstPort the first TCP port the container serves, for a third-party liveness check
 */
export function probesOf(c: ContainerSpec, appPort: number | undefined, firstPort: number | undefined): Probes {
  const h = c.healthcheck;
  if (appPort !== undefined) {
    const hc: HealthcheckSpec = h ?? { test: [], interval: "15s", timeout: "5s", retries: 3, startPeriod: "20s" };
    const t = timing(hc);
    const get = (path: string): Handler => ({ httpGet: { path, port: appPort, scheme: "HTTP" } });
    return {
      readiness: { ...get("/readyz"), ...t },
      liveness: { ...get("/healthz"), ...t, failureThreshold: t.failureThreshold * 2 },
      ...(startupOf(hc, get("/healthz")) ? { startup: startupOf(hc, get("/healthz")) } : {}),
      notes: [],
    };
  }
  if (h === undefined || h.test[0] === "NONE" || h.test.length < 2) {
    if (firstPort === undefined) return { notes: ["no healthcheck in the config and no port: no probes (add a healthcheck)"] };
    return {
      readiness: { tcpSocket: { port: firstPort }, periodSeconds: 10, timeoutSeconds: MIN_PROBE_TIMEOUT, failureThreshold: 3 },
      notes: [`no healthcheck in the config: readiness is a TCP check on port ${firstPort} and there is no liveness probe (add a healthcheck)`],
    };
  }
  const t = timing(h);
  const http = httpCheckOf(h.test);
  const handler: Handler = http ? { httpGet: { path: http.path, port: http.port, scheme: http.scheme } } : execHandler(h.test);
  const livePort = http?.port ?? firstPort;
  const liveness: IIoK8sApiCoreV1Probe = livePort !== undefined
    ? { tcpSocket: { port: livePort }, ...t, failureThreshold: t.failureThreshold * 2 }
    : { ...handler, ...t, periodSeconds: t.periodSeconds * 2, failureThreshold: t.failureThreshold * 2 };
  const startup = startupOf(h, handler);
  return { readiness: { ...handler, ...t }, liveness, ...(startup ? { startup } : {}), notes: [] };
}
