"""Starts moto's standalone EC2 server on 127.0.0.1 on a free port and prints the port.

The test harness reads the first line of stdout, then talks to the server over HTTP like any
EC2 endpoint. It stops the server by killing this process (its pid).
"""

import re
import sys

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server


def tag_image_snapshots() -> None:
    """moto 5.2.5 raises NotImplementedError for CreateImage's `snapshot` tag specification,
    which real EC2 accepts (it tags the new snapshots). Apply those tags to the image's
    snapshot instead of failing."""
    from moto.ec2.models.amis import AmiBackend

    original = AmiBackend.create_image

    def create_image(self, instance_id, name, description, tag_specifications):
        snapshot_tags = [
            t for spec in tag_specifications if spec["ResourceType"] == "snapshot" for t in spec["Tags"]
        ]
        rest = [spec for spec in tag_specifications if spec["ResourceType"] != "snapshot"]
        ami = original(self, instance_id, name, description, tag_specifications=rest)
        snapshot = getattr(ami, "ebs_snapshot", None)
        if snapshot is not None and snapshot_tags:
            self.create_tags([snapshot.id], {t["Key"]: t["Value"] for t in snapshot_tags})
        return ami

    AmiBackend.create_image = create_image


_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def escape_controls(app):
    """moto writes control characters raw into its XML, which no XML parser accepts; escape
    them as character references, as a well-behaved server would, so hostile strings reach
    the client intact."""

    def wrapped(environ, start_response):
        body = b"".join(app(environ, start_response))
        return [_CONTROL.sub(lambda m: b"&#x%02x;" % m.group(0)[0], body)]

    return wrapped


def main() -> None:
    tag_image_snapshots()
    app = escape_controls(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler)
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
