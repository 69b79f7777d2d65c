import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchBytes } from "./fetch-bytes.js";

const server = createServer((req, res) => {
  if (req.url === "/small") res.end(Buffer.from("certificate bytes"));
  else if (req.url === "/huge") res.end(Buffer.alloc(2 * 1024 * 1024, 1));
  else res.writeHead(404).end();
});
let base = "";

beforeAll(async () => {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

describe("fetchBytes", () => {
  it("returns the body of a small object", async () => {
    expect((await fetchBytes(`${base}/small`)).toString()).toBe("certificate bytes");
  });

  it("refuses a body over the size limit, an error status and a location that is not HTTP", async () => {
    await expect(fetchBytes(`${base}/huge`, { maxBytes: 1024 * 1024 })).rejects.toThrow(/larger than 1048576 bytes/);
    await expect(fetchBytes(`${base}/missing`)).rejects.toThrow(/404/);
    await expect(fetchBytes("ldap://directory.example/cn=crl")).rejects.toThrow(/unsupported location/);
  });
});
