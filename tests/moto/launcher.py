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


def termination_protection_at_launch() -> None:
    """moto 5.2.5's RunInstances ignores DisableApiTermination (its instances are never
    protected), which EC2 applies to the instances it launches: apply it to them."""
    from moto.ec2.responses.instances import InstanceResponse

    original = InstanceResponse.run_instances

    def run_instances(self):
        result = original(self)
        if self._get_bool_param("DisableApiTermination", False):
            for instance in result.result.instances:
                instance.disable_api_termination = True
        return result

    InstanceResponse.run_instances = run_instances


def status_and_events_from_tags() -> None:
    """moto 5.2.5 has no scheduled events and never impairs a status check. Tests inject them
    through reserved tags on the instance:

    - `ec2tui:test:instance-status` = `impaired` (or any status) for the instance check;
    - `ec2tui:test:event` = `code|description|not-before|not-after|deadline` (ISO 8601 times,
      empty for none).
    """
    from datetime import datetime

    from moto.ec2.models.instances import Instance

    def tag(self, key):
        for t in self.get_tags():
            if t.get("key", t.get("Key")) == key:
                return t.get("value", t.get("Value"))
        return None

    original_status = Instance.instance_status

    def instance_status(self):
        wanted = tag(self, "ec2tui:test:instance-status")
        if wanted is None or self.state_code != 16:
            return original_status.fget(self)
        return {"Details": [{"Name": "reachability", "Status": "failed"}], "Status": wanted}

    def events(self):
        spec = tag(self, "ec2tui:test:event")
        if not spec:
            return []
        code, description, not_before, not_after, deadline = (spec.split("|") + [""] * 5)[:5]
        event = {"Code": code, "Description": description}
        for key, value in (("NotBefore", not_before), ("NotAfter", not_after), ("NotBeforeDeadline", deadline)):
            if value:
                event[key] = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return [event]

    Instance.instance_status = property(instance_status)
    Instance.events = property(events)


def delete_launch_template_versions() -> None:
    """moto 5.2.5 has no DeleteLaunchTemplateVersions (the launch templates pane deletes a
    version with it). Deleted versions are remembered per template and left out of
    DescribeLaunchTemplateVersions; the default version is refused, as EC2 refuses it, and
    numbers are never reused (moto numbers versions by their position, which stays)."""
    from moto.core.responses import ActionResult
    from moto.ec2.models.launch_templates import LaunchTemplateBackend
    from moto.ec2.responses.launch_templates import LaunchTemplates

    original = LaunchTemplateBackend.describe_launch_template_versions

    def describe(self, *args, **kwargs):
        found = original(self, *args, **kwargs)
        return [(t, v) for t, v in found if v.number not in getattr(t, "deleted_versions", set())]

    LaunchTemplateBackend.describe_launch_template_versions = describe

    def delete_versions(self):
        name = self._get_param("LaunchTemplateName")
        tid = self._get_param("LaunchTemplateId")
        template = (
            self.ec2_backend.get_launch_template_by_name(name)
            if name
            else self.ec2_backend.get_launch_template(tid)
        )
        deleted = template.__dict__.setdefault("deleted_versions", set())
        ok, refused = [], []
        for v in self._get_param("Versions", []):
            n = int(v)
            entry = {"LaunchTemplateId": template.id, "LaunchTemplateName": template.name, "VersionNumber": n}
            if n == template.default_version_number:
                refused.append(
                    dict(entry, ResponseError={"Code": "launchTemplateVersionDefault", "Message": "the default version cannot be deleted"})
                )
            elif n < 1 or n > len(template.versions) or n in deleted:
                refused.append(
                    dict(entry, ResponseError={"Code": "launchTemplateVersionDoesNotExist", "Message": "the version does not exist"})
                )
            else:
                deleted.add(n)
                ok.append(entry)
        return ActionResult(
            {
                "SuccessfullyDeletedLaunchTemplateVersions": ok,
                "UnsuccessfullyDeletedLaunchTemplateVersions": refused,
            }
        )

    LaunchTemplates.delete_launch_template_versions = delete_versions


def launch_template_versions_like_ec2() -> None:
    """moto 5.2.5's CreateLaunchTemplateVersion ignores SourceVersion (EC2 starts the new
    version from the source's settings, which the launch templates pane and the rollout rely
    on) and keeps its UserData as a plain string, on which an Auto Scaling launch from that
    version fails (moto asserts a Base64EncodedString). Merge the source's data under the
    given data, and parse the user data as CreateLaunchTemplate does."""
    from moto.ec2.responses.launch_templates import LaunchTemplates
    from moto.ec2.utils import parse_user_data

    original = LaunchTemplates.create_launch_template_version

    def create_version(self):
        name = self._get_param("LaunchTemplateName")
        tid = self._get_param("LaunchTemplateId")
        template = (
            self.ec2_backend.get_launch_template_by_name(name)
            if name
            else self.ec2_backend.get_launch_template(tid)
        )
        source = self._get_param("SourceVersion")
        given = self._get_param("LaunchTemplateData", {})
        merged = dict(template.get_version(source).data) if source else {}
        merged.update(given)
        if isinstance(given.get("UserData"), str):
            merged["UserData"] = parse_user_data(given["UserData"])
        real_get_param = self._get_param

        def get_param(key, default=None):
            if key == "LaunchTemplateData":
                return merged
            return real_get_param(key, default)

        self._get_param = get_param
        try:
            return original(self)
        finally:
            self._get_param = real_get_param

    LaunchTemplates.create_launch_template_version = create_version


def launch_template_data_like_ec2() -> None:
    """moto 5.2.5's GetLaunchTemplateData leaves out the instance's UserData, which EC2
    returns (base64) and "create a template from an instance" carries into the template: add
    it when the instance has user data. And it gives a network interface's Groups as
    `{"GroupId": id}` where the shape is a list of ids (the serializer then writes each dict
    as its Python text, a group id no EC2 has): give the ids."""
    from moto.ec2.responses.launch_templates import LaunchTemplates

    original = LaunchTemplates.get_launch_template_data

    def get_launch_template_data(self):
        result = original(self)
        instance = self.ec2_backend.get_instance(self._get_param("InstanceId"))
        user_data = getattr(instance, "user_data", None)
        if user_data:
            if isinstance(user_data, (list, tuple)):
                user_data = user_data[0]
            if isinstance(user_data, bytes):
                user_data = user_data.decode()
            result.result["LaunchTemplateData"]["UserData"] = user_data
        for nic in result.result["LaunchTemplateData"].get("NetworkInterfaces", []):
            nic["Groups"] = [g["GroupId"] if isinstance(g, dict) else g for g in nic.get("Groups", [])]
        return result

    LaunchTemplates.get_launch_template_data = get_launch_template_data


def delete_group_in_use_without_force() -> None:
    """moto 5.2.5's DeleteAutoScalingGroup ignores ForceDelete: it terminates the group's
    instances and deletes it either way. AWS refuses a group that still has instances unless
    ForceDelete is true (ResourceInUse): refuse it so, or a lost `--force-delete` goes
    unseen."""
    from moto.autoscaling.exceptions import AutoscalingClientError
    from moto.autoscaling.responses import AutoScalingResponse

    class ResourceInUse(AutoscalingClientError):
        code = "ResourceInUse"

    original = AutoScalingResponse.delete_auto_scaling_group

    def delete_auto_scaling_group(self):
        name = self._get_param("AutoScalingGroupName")
        group = self.autoscaling_backend.autoscaling_groups.get(name)
        force = str(self._get_param("ForceDelete", "false")).lower() == "true"
        if group is not None and group.instance_states and not force:
            raise ResourceInUse(
                "You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group."
            )
        return original(self)

    AutoScalingResponse.delete_auto_scaling_group = delete_auto_scaling_group


def member_template_versions() -> None:
    """moto 5.2.5 reports every Auto Scaling member's launch template version as the
    template's current default version, so a member launched from an older version cannot be
    told apart (ec2tui's `old version` count, a rollout's progress). AWS reports the version
    the member was launched from: remember it when the member is created."""
    from moto.autoscaling.models import InstanceState

    original_init = InstanceState.__init__

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        group = self.auto_scaling_group
        template = getattr(group, "ec2_launch_template", None) if group else None
        self.launched_version = None
        if template is not None:
            self.launched_version = str(template.get_version(group.launch_template_version).number)

    def launch_template(self):
        group = self.auto_scaling_group
        if group is None or group.ec2_launch_template is None:
            return None
        return {
            "LaunchTemplateId": group.ec2_launch_template.id,
            "LaunchTemplateName": group.ec2_launch_template.name,
            "Version": self.launched_version or str(group.ec2_launch_template.default_version_number),
        }

    InstanceState.__init__ = init
    InstanceState.launch_template = property(launch_template)


def instance_refreshes() -> None:
    """moto 5.2.5 has no instance refresh. A small one, for the Auto Scaling pane's R and X
    and the rollout's "instance refresh": StartInstanceRefresh records the group's members;
    each DescribeInstanceRefreshes of the group then replaces one of them (terminated without
    lowering the desired capacity, so moto launches its replacement from the group's current
    version), so the refresh goes on gradually while it is watched, then succeeds;
    CancelInstanceRefresh cancels one in progress. At most one runs per group, as in AWS."""
    import uuid

    from moto.autoscaling.exceptions import AutoscalingClientError
    from moto.autoscaling.responses import AutoScalingResponse
    from moto.core.responses import ActionResult
    from moto.core.utils import utcnow

    class InProgress(AutoscalingClientError):
        code = "InstanceRefreshInProgress"

    class NotFound(AutoscalingClientError):
        code = "ActiveInstanceRefreshNotFound"

    def refreshes(backend, group):
        store = backend.__dict__.setdefault("ec2tui_refreshes", {})
        return store.setdefault(group, [])

    def start(self):
        group = self._get_param("AutoScalingGroupName")
        prefs = self._get_param("Preferences", {}) or {}
        asg = self.autoscaling_backend.autoscaling_groups[group]
        mine = refreshes(self.autoscaling_backend, group)
        if any(r["Status"] in ("Pending", "InProgress", "Cancelling") for r in mine):
            raise InProgress(f"An Instance Refresh is already in progress and blocks the execution of this Instance Refresh for group {group}.")
        todo = [s.instance.id for s in asg.instance_states]
        refresh = {
            "InstanceRefreshId": str(uuid.uuid4()),
            "AutoScalingGroupName": group,
            "Status": "InProgress",
            "StatusReason": "",
            "StartTime": utcnow(),
            "PercentageComplete": 0,
            "InstancesToUpdate": len(todo),
            "Preferences": {"MinHealthyPercentage": int(prefs.get("MinHealthyPercentage", 90))},
            "todo": todo,
            "total": len(todo),
        }
        mine.append(refresh)
        return ActionResult({"InstanceRefreshId": refresh["InstanceRefreshId"]})

    def public(r):
        return {k: v for k, v in r.items() if k not in ("todo", "total")}

    def describe(self):
        group = self._get_param("AutoScalingGroupName")
        backend = self.autoscaling_backend
        mine = refreshes(backend, group)
        for r in mine:
            if r["Status"] != "InProgress":
                continue
            asg = backend.autoscaling_groups.get(group)
            members = [s.instance.id for s in asg.instance_states] if asg else []
            r["todo"] = [i for i in r["todo"] if i in members]
            if r["todo"]:
                backend.terminate_instance(r["todo"].pop(0), False)
            done = r["total"] - len(r["todo"])
            r["PercentageComplete"] = 100 if r["total"] == 0 else int(100 * done / r["total"])
            r["InstancesToUpdate"] = len(r["todo"])
            if not r["todo"]:
                r["Status"] = "Successful"
                r["EndTime"] = utcnow()
        newest_first = [public(r) for r in reversed(mine)]
        return ActionResult({"InstanceRefreshes": newest_first})

    def cancel(self):
        group = self._get_param("AutoScalingGroupName")
        for r in refreshes(self.autoscaling_backend, group):
            if r["Status"] in ("Pending", "InProgress"):
                r["Status"] = "Cancelled"
                r["StatusReason"] = "Cancelled by a user request."
                r["EndTime"] = utcnow()
                return ActionResult({"InstanceRefreshId": r["InstanceRefreshId"]})
        raise NotFound(f"No in progress or pending Instance Refresh found for Auto Scaling group {group}")

    AutoScalingResponse.start_instance_refresh = start
    AutoScalingResponse.describe_instance_refreshes = describe
    AutoScalingResponse.cancel_instance_refresh = cancel


def console_output_from_tags() -> None:
    """moto 5.2.5 answers GetConsoleOutput with one fixed sample log. Tests give an instance
    its own console output (escape sequences and all, as consoles write them) through reserved
    tags `ec2tui:test:console:0`, `...:1`, ...: their values, in key order, make the base64
    output EC2 would send."""
    from moto.core.responses import ActionResult
    from moto.core.types import Base64EncodedString
    from moto.core.utils import utcnow
    from moto.ec2.responses.general import General

    original = General.get_console_output

    def get_console_output(self):
        instance = self.ec2_backend.get_instance(self._get_param("InstanceId"))
        parts = sorted(
            (t.get("key", t.get("Key")), t.get("value", t.get("Value")))
            for t in instance.get_tags()
            if t.get("key", t.get("Key", "")).startswith("ec2tui:test:console:")
        )
        if not parts:
            return original(self)
        encoded = "".join(v for _, v in parts)
        return ActionResult(
            {"InstanceId": instance.id, "Timestamp": utcnow(), "Output": Base64EncodedString(encoded)}
        )

    General.get_console_output = get_console_output


_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def escape_controls(app):
    """moto writes control characters raw into its XML, which no XML parser accepts; escape
    them as character references, as a well-behaved server would, so hostile strings reach
    the client intact."""

    def wrapped(environ, start_response):
        body = b"".join(app(environ, start_response))
        return [_CONTROL.sub(lambda m: b"&#x%02x;" % m.group(0)[0], body)]

    return wrapped


def filters_wildcards_like_ec2() -> None:
    """EC2's filter values know two wildcards, `*` and `?` (a backslash escapes them); moto
    matches them with fnmatch, where `[...]` is a character class, so an AMI named
    `golden [a/b]` is not found by its own name. Match as EC2 does."""
    import fnmatch as stdlib_fnmatch

    import moto.ec2.utils as utils

    def aws_re(pattern):
        out, i = [], 0
        while i < len(pattern):
            c = pattern[i]
            if c == "\\" and i + 1 < len(pattern):
                out.append(re.escape(pattern[i + 1]))
                i += 2
                continue
            out.append(".*" if c == "*" else "." if c == "?" else re.escape(c))
            i += 1
        return "(?s:" + "".join(out) + r")\Z"

    class Ec2Match:
        @staticmethod
        def fnmatch(value, pattern):
            return re.match(aws_re(str(pattern)), str(value)) is not None

        # moto's simple_aws_filter_to_re (DescribeTags, so every tagged resource's get_tags:
        # a new launch template's) translates with fnmatch after escaping `\?` and `\*` as
        # classes of its own: leave it fnmatch's
        translate = staticmethod(stdlib_fnmatch.translate)

    utils.fnmatch = Ec2Match


def main() -> None:
    filters_wildcards_like_ec2()
    tag_image_snapshots()
    termination_protection_at_launch()
    status_and_events_from_tags()
    delete_launch_template_versions()
    launch_template_versions_like_ec2()
    launch_template_data_like_ec2()
    delete_group_in_use_without_force()
    member_template_versions()
    instance_refreshes()
    console_output_from_tags()
    app = escape_controls(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler)
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
