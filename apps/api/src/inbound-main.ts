/** The inbound SMTP listener alone (behind a TCP load balancer, as many as needed). */
import { runProcess } from "./run-process.js";

await runProcess({ api: false, worker: false, inbound: true, migrate: true });
