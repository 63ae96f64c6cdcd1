/** Reads the current state of the selected containers from the engine (used by `check` and `audit`). */
import type { Engine } from "../docker/engine.js";
import type { InspectJson } from "../inspect/types.js";
import { mapLimit } from "../pool.js";
import { type LabelSelector, toDockerLabelFilter } from "../state/labels.js";
import { type ContainerState, stateFromInspect } from "../state/model.js";
import { usageFromStats } from "../state/stats.js";

/** Inspect JSON of every selected container (containers that vanish meanwhile are left out). @throws {EngineUnreachableError} */
export async function inspectAll(engine: Engine, labels: readonly LabelSelector[], concurrency = 8): Promise<InspectJson[]> {
  const listed = await engine.list(toDockerLabelFilter(labels));
  const results = await mapLimit(listed, concurrency, (c) => engine.inspect(c.Id));
  const out: InspectJson[] = [];
  for (const r of results) {
    if (!r.ok) throw r.error;
    if (r.value) out.push(r.value);
  }
  return out;
}

/**
 * States of every selected container, with one stats sample per running container when `stats` is true.
 * A stats call takes about a second (the engine waits for a second sample to compute CPU%), so they run
 * 32 at a time by default. A failed stats call leaves `resources` unset (informative, not part of the verdict).
 * @throws {EngineUnreachableError} when listing or inspecting fails.
 */
export async function collectStates(engine: Engine, labels: readonly LabelSelector[], opts: { stats: boolean; now: Date; concurrency?: number; statsConcurrency?: number }): Promise<ContainerState[]> {
  const inspected = await inspectAll(engine, labels, opts.concurrency);
  const states = inspected.map((i) => stateFromInspect(i, opts.now));
  if (!opts.stats) return states;
  const running = states.filter((s) => s.state === "running");
  const samples = await mapLimit(running, opts.statsConcurrency ?? 32, (s) => engine.stats(s.id));
  running.forEach((s, k) => {
    const r = samples[k];
    const usage = r?.ok && r.value ? usageFromStats(r.value) : undefined;
    if (usage) s.resources = usage;
  });
  return states;
}
