import path from "node:path";
import { z } from "zod";
import { FileTransport, type HispTransport } from "@conduit/direct-transport";
import type { Config } from "../config.js";

export class AdapterConfigError extends Error {}

/** Builds an adapter from a destination's stored settings; throws AdapterConfigError for settings it cannot use. */
export type AdapterFactory = (settings: unknown, config: Config) => HispTransport;

const fileSettings = z.object({ directory: z.string().min(1).optional() });

const fileAdapter: AdapterFactory = (settings, config) => {
  const parsed = fileSettings.safeParse(settings ?? {});
  if (!parsed.success) throw new AdapterConfigError(`file adapter settings: ${parsed.error.issues[0]?.message}`);
  return new FileTransport({
    directory: parsed.data.directory ? path.resolve(parsed.data.directory) : config.OUTBOX_DIR,
  });
};

/**
 * The HISP adapters a destination can name, and a cache of the ones built: one per destination and settings, so
 * connections are reused across messages. Adapters are registered by kind; `file` is built in.
 */
export class TransportRegistry {
  private readonly factories = new Map<string, AdapterFactory>([["file", fileAdapter]]);
  private readonly cache = new Map<string, HispTransport>();

  constructor(private readonly config: Config) {}

  register(kind: string, factory: AdapterFactory): this {
    this.factories.set(kind, factory);
    return this;
  }

  kinds(): string[] {
    return [...this.factories.keys()];
  }

  forDestination(destination: { id: string; adapter: string; settings: unknown }): HispTransport {
    const key = `${destination.id}:${JSON.stringify(destination.settings)}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const factory = this.factories.get(destination.adapter);
    if (!factory) throw new AdapterConfigError(`unknown HISP adapter "${destination.adapter}"`);
    const transport = factory(destination.settings, this.config);
    this.cache.set(key, transport);
    return transport;
  }

  async close(): Promise<void> {
    await Promise.all([...this.cache.values()].map((transport) => transport.close?.()));
    this.cache.clear();
  }
}
