import { readFileSync } from "node:fs";
import { Worker } from "node:worker_threads";

/** This process's resident set size now, in KB (Linux). */
export function rssKb(): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"));
  return match ? Number(match[1]) : Math.round(process.memoryUsage.rss() / 1024);
}

/**
 * Samples the whole process's RSS every `intervalMs` from a worker thread, so that samples keep coming while the main
 * event loop is busy (sealing a large message blocks it).
 */
export class RssSampler {
  private worker?: Worker;

  async start(intervalMs = 20): Promise<void> {
    const code = `
      const { parentPort } = require("node:worker_threads");
      const { readFileSync } = require("node:fs");
      const read = () => Number(/^VmRSS:\\s+(\\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"))[1]);
      let max = read(), samples = 1;
      const timer = setInterval(() => { const v = read(); samples++; if (v > max) max = v; }, ${intervalMs});
      parentPort.on("message", () => { clearInterval(timer); parentPort.postMessage({ max, samples }); });
      parentPort.postMessage("ready");
    `;
    this.worker = new Worker(code, { eval: true });
    await new Promise<void>((resolve) => this.worker!.once("message", () => resolve()));
  }

  async stop(): Promise<{ maxKb: number; samples: number }> {
    const worker = this.worker!;
    const result = new Promise<{ max: number; samples: number }>((resolve) => worker.once("message", resolve));
    worker.postMessage("stop");
    const { max, samples } = await result;
    await worker.terminate();
    return { maxKb: max, samples };
  }
}
