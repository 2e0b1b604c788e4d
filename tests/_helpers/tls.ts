// Test helper, not a test: a self-signed certificate for 127.0.0.1 and
// localhost, made at test time with the openssl CLI (cached per process).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

let cached: { cert: string; key: string; ca: string } | undefined;

/**
 * A test CA and a server certificate it signed, for 127.0.0.1 and localhost.
 * `cert`/`key` serve; `ca` is what a client must trust (rustls, used by Deno,
 * refuses a self-signed CA certificate used directly as the server's).
 */
export function selfSignedCert(): { cert: string; key: string; ca: string } {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), "wasmws-tls-"));
  const at = (name: string) => join(dir, name);
  const openssl = (args: string[]) => execFileSync("openssl", args, { stdio: "ignore" });
  try {
    openssl([
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-sha256",
      "-days",
      "2",
      "-subj",
      "/CN=wasmws test CA",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign",
      "-keyout",
      at("ca.key"),
      "-out",
      at("ca.pem"),
    ]);
    openssl([
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-subj",
      "/CN=localhost",
      "-keyout",
      at("key.pem"),
      "-out",
      at("req.csr"),
    ]);
    writeFileSync(
      at("ext.cnf"),
      "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n",
    );
    openssl([
      "x509",
      "-req",
      "-in",
      at("req.csr"),
      "-CA",
      at("ca.pem"),
      "-CAkey",
      at("ca.key"),
      "-CAcreateserial",
      "-days",
      "2",
      "-sha256",
      "-extfile",
      at("ext.cnf"),
      "-out",
      at("cert.pem"),
    ]);
    cached = {
      cert: readFileSync(at("cert.pem"), "utf8"),
      key: readFileSync(at("key.pem"), "utf8"),
      ca: readFileSync(at("ca.pem"), "utf8"),
    };
    return cached;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
