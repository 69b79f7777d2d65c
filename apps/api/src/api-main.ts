import { runProcess } from "./run-process.js";

await runProcess({ api: true, worker: false, migrate: true });
