/**
 * `npm start`: migrate, seed a development organization on an empty database, then run the API, the workers and the
 * inbound SMTP listener in one process. `api-main.ts`, `worker-main.ts` and `inbound-main.ts` run one role each for
 * scaling out.
 */
import { runProcess } from "./run-process.js";

await runProcess({ api: true, worker: true, inbound: true, migrate: true });
