"""A local EC2 endpoint that answers DescribeInstances from a canned fleet, instantly.

For the listing benchmark: moto takes minutes to create 10,000 instances, and its paging
counts reservations. This serves N instances (argv[1]), one reservation per instance, paged
by MaxResults / NextToken exactly as EC2 does, so the benchmark measures the client side.
Instance i is in zone ZONES[i % 3]; DescribeAvailabilityZones names them and the
`availability-zone` filter of DescribeInstances is honoured (one chain per zone). Options
after N, for the tests of the partitioned listing:
  --ignore-filter      answer a filtered listing with the whole fleet (as a server that does
                       not know the filter would)
  --fail-zone=ZONE     refuse every listing of ZONE (UnauthorizedOperation)
  --no-zones           refuse DescribeAvailabilityZones
  --empty-filter       answer a filtered listing with no instance (as some emulators do)
Prints its port on the first line.
"""

import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
OPTS = sys.argv[2:]
ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"]
FAIL_ZONE = next((o.split("=", 1)[1] for o in OPTS if o.startswith("--fail-zone=")), None)


def instance(i: int) -> str:
    return f"""<item><reservationId>r-{i:017x}</reservationId><ownerId>123456789012</ownerId><groupSet/><instancesSet><item>
<instanceId>i-{i:017x}</instanceId><imageId>ami-0f9e8d7c6b5a49382</imageId>
<instanceState><code>16</code><name>running</name></instanceState>
<privateDnsName>ip-10-0-{i // 250 % 256}-{i % 250}.ec2.internal</privateDnsName><dnsName></dnsName>
<keyName>deploy</keyName><amiLaunchIndex>0</amiLaunchIndex><instanceType>t3.micro</instanceType>
<launchTime>2026-01-02T03:04:05.000Z</launchTime><placement><availabilityZone>{ZONES[i % 3]}</availabilityZone><tenancy>default</tenancy></placement>
<monitoring><state>disabled</state></monitoring><subnetId>subnet-0123</subnetId><vpcId>vpc-0123</vpcId>
<privateIpAddress>10.0.{i // 250 % 256}.{i % 250}</privateIpAddress><sourceDestCheck>true</sourceDestCheck>
<groupSet><item><groupId>sg-0123</groupId><groupName>default</groupName></item></groupSet>
<architecture>x86_64</architecture><rootDeviceType>ebs</rootDeviceType><rootDeviceName>/dev/xvda</rootDeviceName>
<blockDeviceMapping><item><deviceName>/dev/xvda</deviceName><ebs><volumeId>vol-{i:017x}</volumeId><status>attached</status>
<attachTime>2026-01-02T03:04:06.000Z</attachTime><deleteOnTermination>true</deleteOnTermination></ebs></item></blockDeviceMapping>
<virtualizationType>hvm</virtualizationType><hypervisor>xen</hypervisor>
<tagSet><item><key>Name</key><value>bench-{i}</value></item><item><key>Team</key><value>platform</value></item></tagSet>
</item></instancesSet></item>"""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        q = {k: v[0] for k, v in parse_qs(body).items()}
        action = q.get("Action")
        if action == "DescribeAvailabilityZones":
            if "--no-zones" in OPTS:
                self.refuse("UnauthorizedOperation", "You are not authorized to perform this operation.")
                return
            zones = "".join(f"<item><zoneName>{z}</zoneName><zoneState>available</zoneState><regionName>us-east-1</regionName><zoneId>use1-az{n}</zoneId></item>" for n, z in enumerate(ZONES))
            self.reply(200, f'<?xml version="1.0" encoding="UTF-8"?><DescribeAvailabilityZonesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>canned</requestId><availabilityZoneInfo>{zones}</availabilityZoneInfo></DescribeAvailabilityZonesResponse>')
            return
        if action != "DescribeInstances":
            self.refuse("InvalidAction", "canned endpoint")
            return
        zone = q.get("Filter.1.Value.1") if q.get("Filter.1.Name") == "availability-zone" else None
        if zone is not None and zone == FAIL_ZONE:
            self.refuse("UnauthorizedOperation", f"You are not authorized to list {zone}.")
            return
        if zone is not None and "--empty-filter" in OPTS:
            fleet = range(0)
        elif zone is None or "--ignore-filter" in OPTS:
            fleet = range(N)
        else:
            fleet = range(ZONES.index(zone), N, 3) if zone in ZONES else range(0)
        size = int(q.get("MaxResults", "1000"))
        start = int(q.get("NextToken", "0"))
        end = min(start + size, len(fleet))
        token = f"<nextToken>{end}</nextToken>" if end < len(fleet) else ""
        items = "".join(instance(i) for i in fleet[start:end])
        self.reply(200, f'<?xml version="1.0" encoding="UTF-8"?><DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>canned</requestId><reservationSet>{items}</reservationSet>{token}</DescribeInstancesResponse>')

    def refuse(self, code: str, message: str) -> None:
        status = 403 if code == "UnauthorizedOperation" else 400
        self.reply(status, f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors><RequestID>canned</RequestID></Response>")

    def reply(self, code: int, text: str) -> None:
        data = text.encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
