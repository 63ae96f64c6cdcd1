import { createMetricsRegistry } from "@soc/metrics";
import { describe, expect, it } from "vitest";
import { registerAlertMetrics } from "../../src/alert/metrics.js";
import type { AlertStats } from "../../src/alert/types.js";

describe("registerAlertMetrics", () => {
  it("renders the sink's counters at scrape time", async () => {
    const registry = createMetricsRegistry({ collectDefault: false });
    let stats: AlertStats = { observations: 10, deduplicated: 7, firing: 2, raised: 3, resolved: 1, outboxErrors: 0, receivers: { am: { sent: 4, failed: 2, retried: 1, deduplicated: 0, dropped: 0, outboxDepth: 1 } } };
    registerAlertMetrics(registry, () => stats);
    const first = (await registry.render()).body;
    expect(first).toContain("soc_aiops_alerts_firing 2");
    expect(first).toContain("soc_aiops_alert_observations_total 10");
    expect(first).toContain('soc_aiops_alert_transitions_total{transition="raised"} 3');
    expect(first).toContain('soc_aiops_alert_notifications_total{receiver="am",outcome="sent"} 4');
    expect(first).toContain('soc_aiops_alert_notifications_total{receiver="am",outcome="failed"} 2');
    expect(first).toContain('soc_aiops_alert_outbox_notifications{receiver="am"} 1');
    stats = { ...stats, firing: 0, receivers: { am: { sent: 5, failed: 2, retried: 1, deduplicated: 0, dropped: 0, outboxDepth: 0 } } };
    const second = (await registry.render()).body;
    expect(second).toContain("soc_aiops_alerts_firing 0");
    expect(second).toContain('soc_aiops_alert_notifications_total{receiver="am",outcome="sent"} 5');
    expect(second).toContain('soc_aiops_alert_outbox_notifications{receiver="am"} 0');
  });
});
