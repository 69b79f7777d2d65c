import { createServer, type Server, type Socket } from "node:net";
import * as asn1js from "asn1js";

/**
 * A minimal LDAPv3 directory for tests (RFC 4511 BER over TCP): anonymous bind, a root DSE listing one naming
 * context, and equality searches on `mail` returning `userCertificate;binary`. Just enough to stand in for a HISP's
 * certificate directory on loopback.
 */
export class TestLdapServer {
  readonly entries = new Map<string, Buffer[]>();
  readonly searches: string[] = [];
  port = 0;
  private server?: Server;

  constructor(readonly namingContext = "dc=b,dc=example") {}

  async start(): Promise<void> {
    this.server = createServer((socket) => this.serve(socket));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private serve(socket: Socket): void {
    let buffer = Buffer.alloc(0);
    socket.on("error", () => undefined);
    socket.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const parsed = asn1js.fromBER(new Uint8Array(buffer).buffer);
        if (parsed.offset === -1) return;
        buffer = buffer.subarray(parsed.offset);
        this.handle(parsed.result as asn1js.Sequence, socket);
        if (buffer.length === 0) return;
      }
    });
  }

  private handle(message: asn1js.Sequence, socket: Socket): void {
    const [idBlock, op] = message.valueBlock.value as [asn1js.Integer, asn1js.BaseBlock];
    const id = idBlock.valueBlock.valueDec;
    const tag = op.idBlock.tagNumber;
    const send = (tagNumber: number, value: asn1js.BaseBlock[]) =>
      socket.write(
        Buffer.from(
          new asn1js.Sequence({
            value: [
              new asn1js.Integer({ value: id }),
              new asn1js.Constructed({ idBlock: { tagClass: 2, tagNumber }, value }),
            ],
          }).toBER(),
        ),
      );
    const result = () => [new asn1js.Enumerated({ value: 0 }), new asn1js.OctetString(), new asn1js.OctetString()];
    if (tag === 0)
      send(1, result()); // BindRequest -> BindResponse
    else if (tag === 2)
      socket.end(); // UnbindRequest
    else if (tag === 3) {
      const fields = (op as asn1js.Constructed).valueBlock.value;
      const base = Buffer.from((fields[0] as asn1js.OctetString).valueBlock.valueHexView).toString();
      const filter = fields[6] as asn1js.Constructed;
      if (base === "") {
        send(4, [
          new asn1js.OctetString(),
          new asn1js.Sequence({ value: [attribute("namingContexts", [Buffer.from(this.namingContext)])] }),
        ]);
      } else if (filter.idBlock.tagNumber === 3) {
        const [, value] = filter.valueBlock.value as asn1js.OctetString[];
        const mail = Buffer.from(value!.valueBlock.valueHexView).toString().toLowerCase();
        this.searches.push(mail);
        const certificates = this.entries.get(mail);
        if (certificates) {
          send(4, [
            new asn1js.OctetString({ valueHex: new TextEncoder().encode(`mail=${mail},${this.namingContext}`) }),
            new asn1js.Sequence({ value: [attribute("userCertificate;binary", certificates)] }),
          ]);
        }
      }
      send(5, result()); // SearchResultDone
    }
  }
}

function attribute(type: string, values: Buffer[]): asn1js.Sequence {
  return new asn1js.Sequence({
    value: [
      new asn1js.OctetString({ valueHex: new TextEncoder().encode(type) }),
      new asn1js.Set({ value: values.map((v) => new asn1js.OctetString({ valueHex: new Uint8Array(v).buffer })) }),
    ],
  });
}
