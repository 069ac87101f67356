"""Starts moto's standalone EC2 server on 127.0.0.1 on a free port and prints the port.

The test harness reads the first line of stdout, then talks to the server over HTTP like any
EC2 endpoint. It stops the server by killing this process (its pid).
"""

import sys

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server


def main() -> None:
    app = DomainDispatcherApplication(create_backend_app)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler)
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
