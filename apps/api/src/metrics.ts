import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Queue } from "bullmq";

/**
 * Prometheus metrics of one Conduit process, on a registry of its own (several Conduits in one test process must not
 * share counters). Labels never carry ids, addresses or anything from a payload.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: "conduit_http_request_duration_seconds",
    help: "HTTP request latency by route and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly sends = new Counter({
    name: "conduit_outbound_sends_total",
    help: "Outbound send attempts by adapter and outcome",
    labelNames: ["adapter", "outcome"] as const,
    registers: [this.registry],
  });
  readonly inbound = new Counter({
    name: "conduit_inbound_messages_total",
    help: "Inbound messages by outcome (processed, quarantined, notification)",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });
  readonly webhooks = new Counter({
    name: "conduit_webhook_attempts_total",
    help: "Webhook POST attempts by outcome (delivered, failed, dead)",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });

  constructor(queues: Queue[] = []) {
    collectDefaultMetrics({ register: this.registry, prefix: "conduit_" });
    new Gauge({
      name: "conduit_queue_jobs",
      help: "Jobs in each queue by state",
      labelNames: ["queue", "state"] as const,
      registers: [this.registry],
      async collect() {
        for (const queue of queues) {
          const counts = await queue
            .getJobCounts("waiting", "active", "delayed", "failed", "completed")
            .catch(() => undefined);
          if (!counts) continue;
          for (const [state, count] of Object.entries(counts)) this.set({ queue: queue.name, state }, count);
        }
      },
    });
  }
}
