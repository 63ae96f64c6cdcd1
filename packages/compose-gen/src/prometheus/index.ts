/** Prometheus output: prometheus.yml and alerting rules from the deployment model. */
export { emitPrometheus, prometheusDocument, PROMETHEUS_DIR, PROMETHEUS_FILE, RULES_FILE, RULES_FILE_NAME } from "./config.js";
export { ruleGroups, rulesDocument, edgeAgentRules, healthMonitorRules, aiopsAgentRules, groupName, SERVICES_GROUP, type AlertRule, type RuleGroup } from "./rules.js";
export { scrapeJobs, scrapeConfig, scrapeTimeout, DEFAULT_SCRAPE_TIMEOUT_MS, type ScrapeJob } from "./scrape.js";
export { prometheusSettings, prometheusDuration, durationMs, alertmanagerTarget, PrometheusSettingsError, type PrometheusSettings, type AlertmanagerTarget } from "./settings.js";
export { reachNotes, prometheusServers, imageRepository, PROMETHEUS_IMAGE, type ReachNote } from "./reach.js";
