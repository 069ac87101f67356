"""A fault-injecting HTTP proxy between ec2tui's SDK adapter and moto (standard library only).

    faultproxy.py UPSTREAM_PORT MODE_FILE LOG_FILE

Listens on 127.0.0.1 on a free port and prints the port on the first line of stdout. Every
request reads the mode from MODE_FILE (a missing or empty file means `pass`):

- `pass`: forward to moto on 127.0.0.1:UPSTREAM_PORT and hand its answer back;
- `stall`: read the request and never answer (the connection is closed without a word
  once the mode changes, or after five minutes);
- `throttle-sts`: STS GetCallerIdentity gets HTTP 400 with the `Throttling` error document
  STS sends, everything else is forwarded;
- `deny-region:REGION`: every request signed for REGION (its SigV4 credential scope) gets
  HTTP 403 `UnauthorizedOperation`, as for an account whose policy denies that region; the
  rest is forwarded.
- `hold:ACTION`: a request for ACTION waits while the mode stays the same (five minutes at
  most), then is handled by the mode that follows (forwarded, denied...): the test acts
  while the call is on its way;
- `deny-action:ACTION`: every request for ACTION gets HTTP 403 `UnauthorizedOperation`, as
  for a policy that allows the rest; the rest is forwarded.
- `sso-401`: the SSO portal's GetRoleCredentials (`GET /federation/credentials`) gets
  HTTP 401 `UnauthorizedException`, as for an expired or revoked sign-in; the rest is
  forwarded.

- `lose-once:ACTION`: the first request for ACTION is forwarded to moto (so it is carried
  out) and its answer is lost: the connection is closed without a word, and the mode goes
  back to `pass` (the SDK's retry then reaches moto after the change was made).

Each request appends one line to LOG_FILE: `<mode> <what>`, where `what` is the query
protocol's Action, or the method and path. The test harness stops the proxy by killing
this process.
"""

import http.client
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailers",
    "transfer-encoding",
    "upgrade",
    "content-length",
}

STS_THROTTLING = b"""<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>Sender</Type>
    <Code>Throttling</Code>
    <Message>Rate exceeded</Message>
  </Error>
  <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
</ErrorResponse>
"""

UNAUTHORIZED = (
    b"<Response><Errors><Error><Code>UnauthorizedOperation</Code>"
    b"<Message>You are not authorized to perform this operation.</Message>"
    b"</Error></Errors><RequestID>faultproxy-0000</RequestID></Response>"
)

SSO_UNAUTHORIZED = b'{"message":"Session token not found or invalid"}'


def main() -> None:
    upstream_port = int(sys.argv[1])
    mode_file = sys.argv[2]
    log_file = sys.argv[3]

    def mode() -> str:
        try:
            with open(mode_file, encoding="utf-8") as f:
                return f.read().strip() or "pass"
        except OSError:
            return "pass"

    def log(line: str) -> None:
        with open(log_file, "a", encoding="utf-8") as f:
            f.write(line + "\n")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # quiet: stderr is not read
            pass

        def handle_any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            what = self.what(body)
            current = mode()
            log(f"{current} {what}")
            if current == f"hold:{what}":
                deadline = time.monotonic() + 300
                while mode() == current and time.monotonic() < deadline:
                    time.sleep(0.02)
                current = mode()
            if current == "stall":
                deadline = time.monotonic() + 300
                while mode() == "stall" and time.monotonic() < deadline:
                    time.sleep(0.05)
                self.close_connection = True
                return
            if current.startswith("lose-once:") and what == current.split(":", 1)[1]:
                with open(mode_file, "w", encoding="utf-8") as f:
                    f.write("pass")
                self.forward(body, answer=False)
                self.close_connection = True
                return
            if current == "throttle-sts" and what == "GetCallerIdentity":
                self.answer(400, "text/xml", STS_THROTTLING, {})
                return
            if current == f"deny-action:{what}":
                self.answer(403, "text/xml", UNAUTHORIZED, {})
                return
            if current.startswith("deny-region:"):
                region = current.split(":", 1)[1]
                if f"/{region}/" in (self.headers.get("Authorization") or ""):
                    self.answer(403, "text/xml", UNAUTHORIZED, {})
                    return
            if current == "sso-401" and self.path.startswith("/federation/credentials"):
                self.answer(
                    401,
                    "application/json",
                    SSO_UNAUTHORIZED,
                    {"x-amzn-ErrorType": "UnauthorizedException"},
                )
                return
            self.forward(body)

        def what(self, body: bytes) -> str:
            params = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
            action = params.get("Action")
            if action:
                return action[0]
            return f"{self.command} {self.path.split('?')[0]}"

        def answer(self, status: int, ctype: str, body: bytes, extra: dict) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("x-amzn-RequestId", "faultproxy-0000")
            for k, v in extra.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def forward(self, body: bytes, answer: bool = True) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=60)
            try:
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                conn.request(self.command, self.path, body=body or None, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                if not answer:
                    return
                self.send_response(resp.status, resp.reason)
                for k, v in resp.getheaders():
                    if k.lower() not in HOP_BY_HOP:
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            finally:
                conn.close()

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
