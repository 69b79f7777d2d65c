import { describe, expect, it } from "vitest";
import type { HispTransport, OutboundDirectMessage } from "../../src/index.js";
import { originalMessage } from "./messages.js";

/**
 * One behavioural suite for every HISP adapter (as BullMQ runs one suite over each backend). Each adapter case says
 * how to build it and how to look at what arrived on the other side.
 */
export interface AdapterCase {
  name: string;
  transport(): HispTransport;
  /** What arrived for a message id, as the far side sees it (null when nothing arrived). */
  arrived(message: OutboundDirectMessage): Promise<{ original: Buffer; detail?: Record<string, unknown> } | null>;
  /** The adapter talks to a server that can refuse (5xx) or defer (4xx). */
  remote?: {
    /** Recipient the far side refuses permanently, and the text its reply carries. */
    refusedRecipient: string;
    refusedText: RegExp;
    /** Recipient the far side defers (4xx), and the text its reply carries. */
    deferredRecipient: string;
    deferredText: RegExp;
    /** The same adapter pointed at a port where nothing listens. */
    unreachable(): HispTransport;
  };
  from: string;
  to: string;
}

let counter = 0;
export async function outbound(from: string, to: string[]): Promise<OutboundDirectMessage> {
  const raw = await originalMessage(from, to);
  const messageId = /^Message-ID: (.*)$/im.exec(raw.toString())![1]!.trim();
  return { id: `msg-${Date.now()}-${++counter}`, messageId, from, to, raw };
}

export function hispConformance(adapter: AdapterCase): void {
  describe(`HISP adapter conformance: ${adapter.name}`, () => {
    it("delivers a message and reports it accepted; the far side gets the original", async () => {
      const message = await outbound(adapter.from, [adapter.to]);
      const result = await adapter.transport().send(message);
      expect(result.outcome).toBe("accepted");
      const arrived = await adapter.arrived(message);
      expect(arrived?.original.equals(message.raw)).toBe(true);
    });

    it.skipIf(!adapter.remote)("a 5xx reply is a permanent failure carrying the server's reply text", async () => {
      const remote = adapter.remote!;
      const message = await outbound(adapter.from, [remote.refusedRecipient]);
      const result = await adapter.transport().send(message);
      expect(result.outcome).toBe("permanent-failure");
      expect(result.remoteReply).toMatch(/^5\d\d/);
      expect(result.remoteReply).toMatch(remote.refusedText);
    });

    it.skipIf(!adapter.remote)("a 4xx reply is a transient failure carrying the server's reply text", async () => {
      const remote = adapter.remote!;
      const message = await outbound(adapter.from, [remote.deferredRecipient]);
      const result = await adapter.transport().send(message);
      expect(result.outcome).toBe("transient-failure");
      expect(result.remoteReply).toMatch(/^4\d\d/);
      expect(result.remoteReply).toMatch(remote.deferredText);
    });

    it.skipIf(!adapter.remote)("a server that cannot be reached is a transient failure", async () => {
      const message = await outbound(adapter.from, [adapter.to]);
      const result = await adapter.remote!.unreachable().send(message);
      expect(result.outcome).toBe("transient-failure");
      if (result.outcome === "transient-failure") expect(result.reason).toMatch(/ECONNREFUSED|ECONNECTION|ESOCKET/);
    });
  });
}
