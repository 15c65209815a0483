// An HTTP proxy on 127.0.0.1 that records every request a browser makes, for engines whose
// driver protocol reports no network events (WebKit through WebDriver classic). The browser is
// configured to send all its HTTP through it, so it sees what the page asks for on any origin:
// it passes requests on to servers on this machine only (the tests' own) and refuses the rest,
// so nothing leaves the machine. It also serves probe.js and puts it first into each HTML page.
import { createServer, request as httpRequest } from "node:http";
import { readFileSync } from "node:fs";

export const PROBE_PATH = "/.optin-driver/probe.js";
const PROBE = readFileSync(new URL("./probe.js", import.meta.url), "utf8");
const PROBE_TAG = `<script src="${PROBE_PATH}"></script>`;

const isLoopback = (host) => host === "localhost" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);

/** Puts the probe's <script> first: after <head ...>, or else after the doctype. */
export function injectProbe(html) {
  const head = html.match(/<head(\s[^>]*)?>/i);
  if (head) return html.slice(0, head.index + head[0].length) + PROBE_TAG + html.slice(head.index + head[0].length);
  const doctype = html.match(/^\s*<!doctype[^>]*>/i);
  const at = doctype ? doctype[0].length : 0;
  return html.slice(0, at) + PROBE_TAG + html.slice(at);
}

/**
 * Starts the proxy. Resolves to { port, requests, failures, close }: `requests` lists
 * { url, method, body } in the order they came (body null when there was none); `failures`
 * lists responses of status 400 or more, as a browser console reports them.
 */
export function startRecordingProxy() {
  const requests = [];
  const failures = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      let url;
      try {
        url = new URL(req.url);
      } catch {
        res.writeHead(400).end("not a proxy request");
        return;
      }
      const body = Buffer.concat(chunks);
      if (url.pathname === PROBE_PATH) {
        res.writeHead(200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-store" });
        res.end(PROBE);
        return;
      }
      requests.push({ url: url.href, method: req.method, body: body.length ? body.toString("utf8") : null });
      if (!isLoopback(url.hostname)) {
        res.writeHead(502, { "content-type": "text/plain" }).end("the test proxy reaches this machine only");
        return;
      }
      const headers = { ...req.headers };
      delete headers["proxy-connection"];
      // Uncompressed, so that HTML can be read and the probe put in.
      delete headers["accept-encoding"];
      const upstream = httpRequest(
        { host: url.hostname.replace(/^\[|\]$/g, ""), port: url.port || 80, method: req.method, path: url.pathname + url.search, headers },
        (answer) => {
          if (answer.statusCode >= 400) {
            failures.push(`Failed to load resource: the server responded with a status of ${answer.statusCode} (${url.href})`);
          }
          const type = answer.headers["content-type"] ?? "";
          if (!type.startsWith("text/html")) {
            res.writeHead(answer.statusCode, answer.headers);
            answer.pipe(res);
            return;
          }
          const parts = [];
          answer.on("data", (part) => parts.push(part));
          answer.on("end", () => {
            const html = injectProbe(Buffer.concat(parts).toString("utf8"));
            const out = { ...answer.headers };
            delete out["content-length"];
            delete out["transfer-encoding"];
            res.writeHead(answer.statusCode, out);
            res.end(html);
          });
        },
      );
      upstream.on("error", (error) => {
        failures.push(`Failed to load resource: ${url.href} (${error.message})`);
        if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
        res.end();
      });
      upstream.end(body);
    });
  });
  // HTTPS and wss:// come as CONNECT, ws:// as an upgrade: recorded, and refused.
  server.on("connect", (req, socket) => {
    requests.push({ url: `https://${req.url}/`, method: "CONNECT", body: null });
    socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
  });
  server.on("upgrade", (req, socket) => {
    requests.push({ url: req.url, method: "WEBSOCKET", body: null });
    socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
  });
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      ok({
        port: server.address().port,
        requests,
        failures,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
