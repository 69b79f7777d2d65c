import { createSocket, type Socket } from "node:dgram";
import { createServer, type Server, type Socket as TcpSocket } from "node:net";
import * as dnsPacket from "dns-packet";

/**
 * A small authoritative DNS server on 127.0.0.1 (UDP and TCP on the same ephemeral port) serving CERT records from a
 * map. Over UDP it answers like a classic server without EDNS: over 512 bytes, it sends an empty, truncated answer.
 */
export class TestDnsServer {
  readonly records = new Map<string, { rdata: Buffer; ttl: number }[]>();
  readonly srv = new Map<string, { target: string; port: number }>();
  readonly log: { name: string; transport: "udp" | "tcp" }[] = [];
  port = 0;
  private udp?: Socket;
  private tcp?: Server;

  async start(): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const udp = createSocket("udp4");
      await new Promise<void>((resolve) => udp.bind(0, "127.0.0.1", resolve));
      const port = udp.address().port;
      const tcp = createServer((socket) => this.serveTcp(socket));
      const ok = await new Promise<boolean>((resolve) => {
        tcp.once("error", () => resolve(false));
        tcp.listen(port, "127.0.0.1", () => resolve(true));
      });
      if (!ok) {
        udp.close();
        continue;
      }
      udp.on("message", (message, remote) => {
        const response = this.answer(message, "udp");
        udp.send(response, remote.port, remote.address);
      });
      this.udp = udp;
      this.tcp = tcp;
      this.port = port;
      return;
    }
    throw new Error("no free port for the test DNS server");
  }

  async stop(): Promise<void> {
    this.udp?.close();
    await new Promise<void>((resolve) => (this.tcp ? this.tcp.close(() => resolve()) : resolve()));
  }

  private serveTcp(socket: TcpSocket): void {
    let buffer = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (buffer.length >= 2 && buffer.length >= 2 + buffer.readUInt16BE(0)) {
        const message = buffer.subarray(2, 2 + buffer.readUInt16BE(0));
        const response = this.answer(message, "tcp");
        const length = Buffer.alloc(2);
        length.writeUInt16BE(response.length);
        socket.end(Buffer.concat([length, response]));
      }
    });
    socket.on("error", () => undefined);
  }

  private answer(message: Buffer, transport: "udp" | "tcp"): Buffer {
    const query = dnsPacket.decode(message);
    const question = query.questions![0]!;
    this.log.push({ name: question.name, transport });
    if (question.type === "SRV") {
      const srv = this.srv.get(question.name.toLowerCase());
      return dnsPacket.encode({
        type: "response",
        id: query.id,
        flags: dnsPacket.AUTHORITATIVE_ANSWER | (srv ? 0 : 3),
        questions: query.questions,
        answers: srv
          ? [
              {
                type: "SRV",
                name: question.name,
                ttl: 60,
                data: { priority: 0, weight: 0, port: srv.port, target: srv.target },
              },
            ]
          : [],
      });
    }
    const found = this.records.get(question.name.toLowerCase());
    const answers: dnsPacket.Answer[] = (found ?? []).map((r) => ({
      type: "CERT",
      name: question.name,
      class: "IN",
      ttl: r.ttl,
      data: r.rdata,
    }));
    const response: dnsPacket.Packet & { rcode?: string } = {
      type: "response",
      id: query.id,
      flags: dnsPacket.AUTHORITATIVE_ANSWER | (found ? 0 : 3),
      questions: query.questions,
      answers,
    };
    const full = dnsPacket.encode(response);
    if (transport === "udp" && full.length > 512) {
      return dnsPacket.encode({
        ...response,
        answers: [],
        flags: (response.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE,
      });
    }
    return full;
  }
}
