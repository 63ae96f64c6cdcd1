/**
 * Engine events: normalisation of the raw `GET /events` objects and the filter that keeps only what
 * changes a container's health picture. Healthchecks run as execs, so every probe emits
 * `exec_create`/`exec_start`/`exec_die`: those are dropped (and the engine is asked not to send them).
 * Pure. Source: https://docs.docker.com/reference/api/engine/version/v1.47/#tag/System/operation/SystemEvents
 */
import { type HealthStatus, toHealthStatus } from "../state/model.js";

/** Container actions the monitor follows. */
export const FOLLOWED_ACTIONS = ["create", "start", "restart", "die", "kill", "oom", "stop", "pause", "unpause", "destroy", "rename", "update", "health_status"] as const;
/** One of {@link FOLLOWED_ACTIONS}. */
export type FollowedAction = (typeof FOLLOWED_ACTIONS)[number];

/** A container event the monitor acts on. */
export interface ContainerEvent {
  action: FollowedAction;
  id: string;
  name?: string;
  /** Set for `health_status` events. */
  health?: HealthStatus;
  /** Set for `die` events (`exitCode` attribute). */
  exitCode?: number;
  attributes: Record<string, string>;
  /** Event time in milliseconds since the epoch (from `timeNano`, else `time`; 0 when absent). */
  timeMs: number;
}

/**
 * The `filters` query of `GET /events`: container events with the followed actions. The engine matches
 * `health_status` against `health_status: healthy` etc. by prefix (moby `daemon/events/filter.go`).
 */
export function eventFilters(): { type: string[]; event: string[] } {
  return { type: ["container"], event: [...FOLLOWED_ACTIONS] };
}

const FOLLOWED = new Set<string>(FOLLOWED_ACTIONS);

/**
 * Normalises one raw event. Returns undefined for anything that is not a followed container event
 * (images, networks, `exec_*` probe noise, malformed objects).
 */
export function toContainerEvent(raw: unknown): ContainerEvent | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const r = raw as { Type?: unknown; Action?: unknown; status?: unknown; id?: unknown; Actor?: { ID?: unknown; Attributes?: unknown }; time?: unknown; timeNano?: unknown };
  const type = typeof r.Type === "string" ? r.Type : "container";
  if (type !== "container") return undefined;
  const actionRaw = typeof r.Action === "string" ? r.Action : typeof r.status === "string" ? r.status : "";
  const colon = actionRaw.indexOf(":");
  const verb = (colon < 0 ? actionRaw : actionRaw.slice(0, colon)).trim();
  if (!FOLLOWED.has(verb)) return undefined;
  const id = typeof r.Actor?.ID === "string" ? r.Actor.ID : typeof r.id === "string" ? r.id : "";
  if (id === "") return undefined;
  const attributes: Record<string, string> = {};
  if (typeof r.Actor?.Attributes === "object" && r.Actor.Attributes !== null) {
    for (const [k, v] of Object.entries(r.Actor.Attributes)) if (typeof v === "string") attributes[k] = v;
  }
  const timeMs = typeof r.timeNano === "number" ? Math.floor(r.timeNano / 1e6) : typeof r.time === "number" ? r.time * 1000 : 0;
  const ev: ContainerEvent = { action: verb as FollowedAction, id, attributes, timeMs };
  if (attributes["name"] !== undefined) ev.name = attributes["name"];
  if (verb === "health_status") ev.health = toHealthStatus(actionRaw.slice(colon + 1).trim());
  if (verb === "die" && attributes["exitCode"] !== undefined && /^-?\d+$/.test(attributes["exitCode"])) ev.exitCode = Number(attributes["exitCode"]);
  return ev;
}
