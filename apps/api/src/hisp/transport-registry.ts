import path from "node:path";
import { z } from "zod";
import { FileTransport, type HispTransport } from "@conduit/direct-transport";
import type { Config } from "../config.js";

const fileSettings = z.object({ directory: z.string().min(1).optional() });

export class AdapterConfigError extends Error {}

/**
 * Builds the HISP adapter a destination names, from its stored settings. Adapters are cached per destination and
 * settings, so connections (SMTP pools, later) are reused across messages.
 */
export class TransportRegistry {
  private readonly cache = new Map<string, HispTransport>();

  constructor(private readonly config: Config) {}

  forDestination(destination: { id: string; adapter: string; settings: unknown }): HispTransport {
    const key = `${destination.id}:${JSON.stringify(destination.settings)}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const transport = this.build(destination.adapter, destination.settings);
    this.cache.set(key, transport);
    return transport;
  }

  private build(adapter: string, settings: unknown): HispTransport {
    switch (adapter) {
      case "file": {
        const parsed = fileSettings.safeParse(settings ?? {});
        if (!parsed.success) throw new AdapterConfigError(`file adapter settings: ${parsed.error.issues[0]?.message}`);
        const directory = parsed.data.directory ? path.resolve(parsed.data.directory) : this.config.OUTBOX_DIR;
        return new FileTransport({ directory });
      }
      default:
        throw new AdapterConfigError(`unknown HISP adapter "${adapter}"`);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.cache.values()].map((transport) => transport.close?.()));
    this.cache.clear();
  }
}
