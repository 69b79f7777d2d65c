import path from "node:path";
import { z } from "zod";
import { FileTransport, type HispTransport } from "@conduit/direct-transport";
import type { Config } from "../config.js";

export class AdapterConfigError extends Error {}

/** What an adapter is built from: a destination's settings, its opened secrets and per-peer options. */
export interface AdapterInput {
  destinationId: string;
  orgId: string;
  settings: unknown;
  secrets: Record<string, string>;
  peerOptions: unknown;
}

/** Builds an adapter; throws AdapterConfigError for settings it cannot use. */
export type AdapterFactory = (input: AdapterInput, config: Config) => HispTransport | Promise<HispTransport>;

const fileSettings = z.object({ directory: z.string().min(1).optional() });

const fileAdapter: AdapterFactory = ({ settings }, config) => {
  const parsed = fileSettings.safeParse(settings ?? {});
  if (!parsed.success) throw new AdapterConfigError(`file adapter settings: ${parsed.error.issues[0]?.message}`);
  return new FileTransport({
    directory: parsed.data.directory ? path.resolve(parsed.data.directory) : config.OUTBOX_DIR,
  });
};

interface CachedTransport {
  transport: Promise<HispTransport>;
  builtAt: number;
}

/**
 * The HISP adapters a destination can name, and a cache of the ones built: one per destination and settings, so
 * connections are reused across messages. Entries expire after `ttlMs` so certificate and key changes are picked up.
 * Adapters are registered by kind; `file` is built in, the SMTP ones are added by the app.
 */
export class TransportRegistry {
  private readonly factories = new Map<string, AdapterFactory>([["file", fileAdapter]]);
  private readonly cache = new Map<string, CachedTransport>();

  constructor(
    private readonly config: Config,
    private readonly ttlMs = 60_000,
  ) {}

  register(kind: string, factory: AdapterFactory): this {
    this.factories.set(kind, factory);
    return this;
  }

  kinds(): string[] {
    return [...this.factories.keys()];
  }

  async forDestination(
    destination: { id: string; orgId: string; adapter: string; settings: unknown; peerOptions?: unknown },
    openSecrets: () => Record<string, string> = () => ({}),
  ): Promise<HispTransport> {
    const key = `${destination.id}:${destination.adapter}:${JSON.stringify(destination.settings)}:${JSON.stringify(destination.peerOptions ?? {})}`;
    const cached = this.cache.get(key);
    if (cached && Date.now() - cached.builtAt < this.ttlMs) return cached.transport;
    const factory = this.factories.get(destination.adapter);
    if (!factory) throw new AdapterConfigError(`unknown HISP adapter "${destination.adapter}"`);
    const transport = Promise.resolve(
      factory(
        {
          destinationId: destination.id,
          orgId: destination.orgId,
          settings: destination.settings,
          secrets: openSecrets(),
          peerOptions: destination.peerOptions ?? {},
        },
        this.config,
      ),
    );
    this.cache.set(key, { transport, builtAt: Date.now() });
    transport.catch(() => this.cache.delete(key));
    if (cached) void cached.transport.then((old) => old.close?.()).catch(() => undefined);
    return transport;
  }

  async close(): Promise<void> {
    const all = [...this.cache.values()];
    this.cache.clear();
    await Promise.all(
      all.map((entry) => entry.transport.then((transport) => transport.close?.()).catch(() => undefined)),
    );
  }
}
