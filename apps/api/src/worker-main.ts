import { runProcess } from "./run-process.js";

await runProcess({ api: false, worker: true, migrate: true });
