/**
 * `npm start`: migrate, seed a development organization on an empty database, then run the API and the worker in
 * one process. `api-main.ts` and `worker-main.ts` run one role each for scaling out.
 */
import { runProcess } from "./run-process.js";

await runProcess({ api: true, worker: true, migrate: true });
