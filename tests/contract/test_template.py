"""template.yaml against the code, the SAM transform, cfn-lint and the packaging tool.

The template is checked the way AWS will read it: transformed by aws-sam-translator (what
CloudFormation's AWS::Serverless transform runs) and linted by cfn-lint, with the code's own
contract (``upper_back.edge.config``, ``upper_back.adapters.dynamodb``) as the other side of
every check.
"""

from __future__ import annotations

import ast
import importlib
import json
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import lint
from cfnlint.config import ManualArgs
from samtranslator.translator.transform import transform

from tests.contract.sam import (
    ROOT,
    TEMPLATE,
    function,
    load,
    only,
    resources_of_type,
    with_parameters,
)
from tools import package
from upper_back.adapters import dynamodb as persistence
from upper_back.edge import config

CODE_DIR = ROOT / "lambda"
ALEXA_REGIONS = ["us-east-1", "eu-west-1", "us-west-2"]
SKILL_ID = "amzn1.ask.skill.1a2b3c4d-5e6f-4a1b-8c2d-0123456789ab"
ALEXA_PRINCIPAL = "alexa-appkit.amazon.com"
ITEM_ACTIONS = {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"}
LOG_ACTIONS = {"logs:CreateLogStream", "logs:PutLogEvents"}
SUPPORTED_RUNTIMES = {"python3.12", "python3.13", "python3.14"}
# Set by Lambda itself in every function; code may read them without the template's help.
LAMBDA_RESERVED_VARIABLES = {
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_LAMBDA_LOG_LEVEL",
    "AWS_LAMBDA_LOG_FORMAT",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
}


class StubManagedPolicyLoader:
    """Stands in for the IAM ListPolicies call SAM makes to resolve managed policy names."""

    def load(self) -> dict[str, str]:
        return {
            "AWSLambdaBasicExecutionRole": (
                "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
            )
        }


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def get_att(logical_id: str, attribute: str = "Arn") -> dict[str, list[str]]:
    return {"Fn::GetAtt": [logical_id, attribute]}


def statements(node: Any) -> Iterator[dict[str, Any]]:
    """Every IAM policy statement anywhere under node."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Statement":
                yield from as_list(value)
            else:
                yield from statements(value)
    elif isinstance(node, list):
        for item in node:
            yield from statements(item)


def translate(text: str) -> dict[str, Any]:
    """The CloudFormation the AWS::Serverless transform makes of a template (needs a region)."""
    template = package.load_template_text(text)
    function_id, _ = only(template, package.FUNCTION_TYPE)
    properties = template["Resources"][function_id]["Properties"]
    assert properties["CodeUri"] == "lambda/"
    # What `sam deploy` does before the transform runs: the local folder becomes an S3 object.
    properties["CodeUri"] = "s3://example-artifacts/upper-back-routine.zip"
    result: dict[str, Any] = transform(template, {"SkillId": SKILL_ID}, StubManagedPolicyLoader())
    return result


def lint_matches(text: str, regions: list[str]) -> list[str]:
    """cfn-lint's findings at every level (errors, warnings, informational), none ignored.
    Its opt-in experimental rules stay off: they are not settled checks (one asks for an AI
    "context" metadata block on every resource)."""
    matches = lint(text, config=ManualArgs(regions=regions, include_checks=["I"]))
    return [f"{m.rule.id} {m.message} (line {m.linenumber})" for m in matches]


@pytest.fixture
def aws_region(monkeypatch: pytest.MonkeyPatch) -> None:
    """The translator needs a region; no AWS call is made."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def translated(aws_region: None) -> dict[str, Any]:
    return translate(TEMPLATE.read_text(encoding="utf-8"))


# --- the transform and the linter ----------------------------------------------------------


def test_only_the_skill_may_invoke_the_function_through_its_live_alias(
    translated: dict[str, Any],
) -> None:
    function_id, _ = only(translated, "AWS::Lambda::Function")
    alias_id, alias = only(translated, "AWS::Lambda::Alias")
    version_id, _ = only(translated, "AWS::Lambda::Version")
    assert alias["Properties"] == {
        "Name": "live",
        "FunctionName": {"Ref": function_id},
        "FunctionVersion": get_att(version_id, "Version"),
    }
    _, permission = only(translated, "AWS::Lambda::Permission")
    assert permission["Properties"] == {
        "Action": "lambda:InvokeFunction",
        "FunctionName": {"Ref": alias_id},
        "Principal": ALEXA_PRINCIPAL,
        "EventSourceToken": {"Ref": "SkillId"},
    }
    assert not resources_of_type(translated, "AWS::Lambda::Url")


def test_cfn_lint_finds_nothing_in_the_template_in_any_alexa_region() -> None:
    assert lint_matches(TEMPLATE.read_text(encoding="utf-8"), ALEXA_REGIONS) == []


def test_cfn_lint_finds_nothing_in_the_cloudformation_the_transform_makes(
    translated: dict[str, Any],
) -> None:
    """cfn-lint checks a SAM function only loosely (an out-of-range Timeout, an unknown
    architecture or a Ref to a missing resource pass); after the transform it is an
    AWS::Lambda::Function, which cfn-lint knows property by property."""
    assert lint_matches(json.dumps(translated), ALEXA_REGIONS) == []


@pytest.mark.parametrize(
    ("change", "translated_first"),
    [
        (("Runtime: python3.13", "Runtime: python2.7"), False),
        (("BillingMode: PAY_PER_REQUEST", "BillingMode: FREE"), False),
        (("Timeout: 7", "Timeout: 901"), True),
        (("Architectures: [arm64]", "Architectures: [arm65]"), True),
        (("TABLE_NAME: !Ref ProgressTable", "TABLE_NAME: !Ref ProgresTable"), True),
    ],
)
def test_cfn_lint_would_notice_a_broken_template(
    aws_region: None, change: tuple[str, str], translated_first: bool
) -> None:
    """Guards the two tests above: a linter that checks nothing would pass anything."""
    original, broken = change
    text = TEMPLATE.read_text(encoding="utf-8")
    assert original in text
    text = text.replace(original, broken)
    if translated_first:
        text = json.dumps(translate(text))
    assert lint_matches(text, ["us-east-1"]) != []


# --- the function ---------------------------------------------------------------------------


def test_the_function_sets_exactly_the_variables_the_code_reads_when_deployed() -> None:
    variables = function(load())["Environment"]["Variables"]
    assert set(variables) == set(config.DEPLOYED_VARIABLES)
    assert all(value not in ("", None) for value in variables.values())


def test_the_table_name_and_skill_id_come_from_the_stack_not_from_literals() -> None:
    template = load()
    table_id, _ = only(template, "AWS::DynamoDB::Table")
    variables = function(template)["Environment"]["Variables"]
    assert variables["TABLE_NAME"] == {"Ref": table_id}
    assert variables["SKILL_ID"] == {"Ref": "SkillId"}


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def environment_reads(source: str) -> Iterator[tuple[int, str | None]]:
    """(line, variable) for each environment read; None when the name is not a literal."""
    for node in ast.walk(ast.parse(source)):
        key: ast.expr | None = None
        if isinstance(node, ast.Call) and node.args:
            target = _dotted(node.func)
            reads_environ = target.rsplit(".", 1)[0].endswith("environ") and target.endswith(
                (".get", ".setdefault", ".pop")
            )
            if reads_environ or target in ("getenv", "os.getenv"):
                key = node.args[0]
        elif isinstance(node, ast.Subscript) and _dotted(node.value).endswith("environ"):
            key = node.slice
        if key is not None:
            literal = key.value if isinstance(key, ast.Constant) else None
            yield key.lineno, literal if isinstance(literal, str) else None


def test_the_code_reads_no_environment_variable_the_template_does_not_account_for() -> None:
    """Everything the deployed code reads is set by the template or by Lambda itself: the
    simulator and the tests hand the factory their settings, so lambda/ has no variable of
    theirs to read."""
    allowed = set(config.DEPLOYED_VARIABLES) | LAMBDA_RESERVED_VARIABLES
    reads = {
        f"{path.relative_to(ROOT)}:{line}": name
        for path in sorted(CODE_DIR.rglob("*.py"))
        if "tests" not in path.parts
        for line, name in environment_reads(path.read_text(encoding="utf-8"))
    }
    assert "TABLE_NAME" in reads.values(), "the scan found nothing: is it still looking?"
    assert {where: name for where, name in reads.items() if name not in allowed} == {}


def test_the_environment_scan_sees_every_way_of_reading_a_variable() -> None:
    source = (
        "import os\nfrom os import environ, getenv\n"
        "os.environ.get('A')\nenviron['B']\ngetenv('C')\nos.getenv('D')\n"
        "os.environ.setdefault('E', 'x')\nenviron.get(name)\n"
    )
    found = sorted(environment_reads(source), key=lambda read: read[0])
    assert [name for _, name in found] == ["A", "B", "C", "D", "E", None]


def test_the_function_runs_a_supported_python_on_arm64_inside_alexas_deadline() -> None:
    properties = function(load())
    assert properties["Runtime"] in SUPPORTED_RUNTIMES
    assert properties["Architectures"] == ["arm64"]
    assert properties["Timeout"] < 8
    assert properties["MemorySize"] >= 512


def test_the_handler_named_in_the_template_exists_in_the_code() -> None:
    """Defined at the module's top level (a function, or the handler the factory builds), and
    callable once imported: Lambda imports the module, then calls the name."""
    properties = function(load())
    module, handler = properties["Handler"].split(".")
    tree = ast.parse((ROOT / properties["CodeUri"] / f"{module}.py").read_text(encoding="utf-8"))
    defined = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    defined |= {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    assert (properties["CodeUri"], handler) == ("lambda/", "lambda_handler")
    assert handler in defined
    assert callable(getattr(importlib.import_module(module), handler))


def test_logs_are_json_and_go_to_a_log_group_that_expires() -> None:
    template = load()
    logging = function(template)["LoggingConfig"]
    group_id, group = only(template, "AWS::Logs::LogGroup")
    assert logging["LogFormat"] == "JSON"
    assert logging["LogGroup"] == {"Ref": group_id}
    assert logging["SystemLogLevel"] in {"DEBUG", "INFO"}  # keeps the REPORT lines
    retention = group["Properties"]["RetentionInDays"]
    assert retention == {"Ref": "LogRetentionDays"}
    assert template["Parameters"]["LogRetentionDays"]["Default"] > 0


def test_no_allowed_log_level_can_drop_the_metric_lines() -> None:
    """Lambda files EMF lines (no level of their own) under INFO; a higher level loses them."""
    template = load()
    level = function(template)["LoggingConfig"]["ApplicationLogLevel"]
    assert level == {"Ref": "LogLevel"}
    parameter = template["Parameters"]["LogLevel"]
    assert set(parameter["AllowedValues"]) <= {"TRACE", "DEBUG", "INFO"}
    assert parameter["Default"] in parameter["AllowedValues"]


def test_the_skill_id_parameter_is_required_and_accepts_only_skill_ids() -> None:
    parameter = load()["Parameters"]["SkillId"]
    assert "Default" not in parameter
    pattern = parameter["AllowedPattern"]
    assert re.fullmatch(pattern, SKILL_ID)
    for wrong in (
        "",
        "amzn1.ask.skill.REPLACE_ME",
        "amzn1.ask.skill.1a2b3c4d-5e6f-4a1b-8c2d-0123456789ab ",
        "amzn1-ask-skill-1a2b3c4d-5e6f-4a1b-8c2d-0123456789ab",
        "arn:aws:lambda:us-east-1:123456789012:function:upper-back",
    ):
        assert not re.fullmatch(pattern, wrong), wrong


def test_the_outputs_give_the_skill_endpoint_and_the_table() -> None:
    template = load()
    function_id, _ = only(template, package.FUNCTION_TYPE)
    table_id, _ = only(template, "AWS::DynamoDB::Table")
    outputs = template["Outputs"]
    # The alias: the AlexaSkill permission is granted on it, not on the unqualified function.
    assert outputs["FunctionArn"]["Value"] == {"Ref": f"{function_id}.Alias"}
    assert "apis.custom.endpoint.uri" in outputs["FunctionArn"]["Description"]
    assert outputs["TableName"]["Value"] == {"Ref": table_id}


def test_sam_deploys_by_default_to_a_region_alexa_calls_into() -> None:
    with (ROOT / "samconfig.toml").open("rb") as file:
        samconfig = tomllib.load(file)["default"]
    assert samconfig["global"]["parameters"]["region"] in ALEXA_REGIONS
    assert samconfig["deploy"]["parameters"]["capabilities"] == "CAPABILITY_IAM"


# --- least privilege ------------------------------------------------------------------------


def test_the_function_may_only_touch_items_in_its_table_and_its_own_log_streams(
    translated: dict[str, Any],
) -> None:
    table_id, _ = only(translated, "AWS::DynamoDB::Table")
    group_id, _ = only(translated, "AWS::Logs::LogGroup")
    role_id, role = only(translated, "AWS::IAM::Role")
    _, lambda_function = only(translated, "AWS::Lambda::Function")
    assert lambda_function["Properties"]["Role"] == get_att(role_id)
    assert "ManagedPolicyArns" not in role["Properties"]
    granted = set()
    for statement in statements(role["Properties"]["Policies"]):
        assert set(statement) <= {"Sid", "Effect", "Action", "Resource"}, statement
        assert statement["Effect"] == "Allow"
        for action in as_list(statement["Action"]):
            for resource in as_list(statement["Resource"]):
                granted.add((action, json.dumps(resource, sort_keys=True)))
    expected = {(action, json.dumps(get_att(table_id))) for action in ITEM_ACTIONS} | {
        (action, json.dumps(get_att(group_id))) for action in LOG_ACTIONS
    }
    assert granted == expected


DYNAMODB_CALL = re.compile(
    r"\.(get_item|put_item|delete_item|update_item|query|scan|batch_get_item|batch_write_item"
    r"|transact_get_items|transact_write_items)\("
)


def dynamodb_actions_called(path: Path) -> set[str]:
    """IAM action names for the boto3 DynamoDB item calls a source file makes."""
    calls = DYNAMODB_CALL.findall(path.read_text(encoding="utf-8"))
    return {"dynamodb:" + "".join(part.title() for part in call.split("_")) for call in calls}


def test_every_dynamodb_call_the_code_makes_is_granted() -> None:
    called = set().union(*(dynamodb_actions_called(path) for path in CODE_DIR.rglob("*.py")))
    # The scan still sees the progress store's three calls.
    assert dynamodb_actions_called(Path(persistence.__file__)) == ITEM_ACTIONS
    assert called <= ITEM_ACTIONS


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
             for alias in node.names}  # fmt: skip
    return names | {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}


def test_no_code_calls_dynamodb_through_a_library_the_scan_cannot_see() -> None:
    """The grant follows the calls in lambda/: the SDK's DynamoDbAdapter (its own GetItem,
    PutItem, DeleteItem and CreateTable) would call DynamoDB from site-packages instead."""
    imported = set().union(*(imported_modules(path) for path in CODE_DIR.rglob("*.py")))
    assert "upper_back.adapters.dynamodb" in imported  # the scan sees the imports
    assert {name for name in imported if name.startswith("ask_sdk_dynamodb")} <= {
        "ask_sdk_dynamodb.partition_keygen"  # pure functions: the key from the envelope
    }


def test_the_deployed_template_grants_nothing_through_a_wildcard(
    translated: dict[str, Any],
) -> None:
    iam = {
        name: resource
        for name, resource in translated["Resources"].items()
        if resource["Type"].startswith("AWS::IAM::")
    }
    assert iam, "no IAM resources found"
    assert {name: r for name, r in iam.items() if "*" in json.dumps(r)} == {}
    assert all("ManagedPolicyArns" not in r["Properties"] for r in iam.values())


def test_no_policy_statement_written_in_the_template_uses_a_wildcard() -> None:
    template = load()
    found = list(statements(template))
    assert len(found) >= 3  # the trust policy, the table items, the log streams
    assert [s for s in found if "*" in json.dumps(s)] == []
    assert "Policies" not in function(template)  # the explicit Role is the whole grant


def test_the_table_key_is_the_one_the_progress_store_reads_and_writes() -> None:
    _, table = only(load(), "AWS::DynamoDB::Table")
    properties = table["Properties"]
    key = persistence.PARTITION_KEY
    assert properties["KeySchema"] == [{"AttributeName": key, "KeyType": "HASH"}]
    assert properties["AttributeDefinitions"] == [{"AttributeName": key, "AttributeType": "S"}]
    # The ASK SDK adapter's layout, so records it wrote still read.
    assert (key, persistence.ATTRIBUTE_NAME) == ("id", "attributes")
    source = Path(persistence.__file__).read_text(encoding="utf-8")
    assert "create_table" not in source  # the role has no CreateTable, on purpose


def test_the_table_expires_records_on_the_attribute_the_code_stamps() -> None:
    _, table = only(load(), "AWS::DynamoDB::Table")
    assert table["Properties"]["TimeToLiveSpecification"] == {
        "AttributeName": persistence.EXPIRES_ATTRIBUTE,
        "Enabled": True,
    }


def test_users_progress_survives_stack_deletion_mistakes_and_bad_writes() -> None:
    _, table = only(load(), "AWS::DynamoDB::Table")
    properties = table["Properties"]
    assert table["DeletionPolicy"] == "Retain"
    assert table["UpdateReplacePolicy"] == "Retain"
    assert properties["DeletionProtectionEnabled"] is True
    assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert properties["SSESpecification"]["SSEEnabled"] is True
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert "ProvisionedThroughput" not in properties


# --- SnapStart, alarms and their notifications, with the parameters on and off ----------------

EMAIL = "skill-owner@example.com"
SETTINGS = {
    "defaults": {},
    "snapstart-and-email": {"SnapStart": "true", "AlarmEmail": EMAIL},
}
ALARM = "AWS::CloudWatch::Alarm"
FUNCTION_ALARMS = {"Errors", "Throttles", "Duration"}
SKILL_ALARMS = {"Errors", "StoreWriteFailed"}
ALEXA_DEADLINE_MS = 8000


@pytest.fixture(params=sorted(SETTINGS))
def deployed(request: pytest.FixtureRequest, translated: dict[str, Any]) -> dict[str, Any]:
    """What CloudFormation creates from the transformed template with those settings."""
    return with_parameters(translated, SETTINGS[request.param])


def test_with_either_setting_cfn_lint_finds_nothing_in_what_is_deployed(
    deployed: dict[str, Any],
) -> None:
    assert lint_matches(json.dumps(deployed), ALEXA_REGIONS) == []


def test_snapstart_is_off_by_default_and_applies_to_published_versions_when_asked(
    translated: dict[str, Any],
) -> None:
    parameter = load()["Parameters"]["SnapStart"]
    assert parameter["Default"] == "false"
    for values, applies in (({}, "None"), ({"SnapStart": "true"}, "PublishedVersions")):
        deployed = with_parameters(translated, values)
        _, lambda_function = only(deployed, "AWS::Lambda::Function")
        assert lambda_function["Properties"]["SnapStart"] == {"ApplyOn": applies}
        # Either way Alexa calls the alias, which points at a published version.
        alias_id, _ = only(deployed, "AWS::Lambda::Alias")
        _, permission = only(deployed, "AWS::Lambda::Permission")
        assert permission["Properties"]["FunctionName"] == {"Ref": alias_id}
    assert function(load())["Runtime"] >= "python3.12"  # SnapStart for Python starts there


def test_the_alarms_email_the_owner_only_when_an_address_is_given(
    translated: dict[str, Any],
) -> None:
    quiet = with_parameters(translated, {})
    assert not resources_of_type(quiet, "AWS::SNS::Topic")
    assert "AlarmTopicArn" not in quiet["Outputs"]
    assert "AlarmEmail" not in quiet["Parameters"]
    for alarm in resources_of_type(quiet, ALARM).values():
        assert not {"AlarmActions", "OKActions"} & set(alarm["Properties"])

    told = with_parameters(translated, {"AlarmEmail": EMAIL})
    topic_id, topic = only(told, "AWS::SNS::Topic")
    assert topic["Properties"]["Subscription"] == [
        {"Protocol": "email", "Endpoint": {"Ref": "AlarmEmail"}}
    ]
    assert told["Outputs"]["AlarmTopicArn"]["Value"] == {"Ref": topic_id}
    alarms = resources_of_type(told, ALARM)
    assert len(alarms) == len(FUNCTION_ALARMS) + len(SKILL_ALARMS)
    for alarm in alarms.values():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": topic_id}]
        assert alarm["Properties"]["OKActions"] == [{"Ref": topic_id}]


def test_the_alarm_email_is_an_address_or_nothing() -> None:
    pattern = load()["Parameters"]["AlarmEmail"]["AllowedPattern"]
    assert load()["Parameters"]["AlarmEmail"]["Default"] == ""
    for accepted in ("", EMAIL, "a.b+alarms@mail.example.co.uk"):
        assert re.fullmatch(pattern, accepted), accepted
    for refused in ("owner", "owner@", "owner@example", "two words@example.com", " "):
        assert not re.fullmatch(pattern, refused), refused


def test_least_privilege_is_the_same_with_every_setting(translated: dict[str, Any]) -> None:
    """Neither SnapStart nor the alarm topic adds a permission to anything."""
    iam = [
        {name: r for name, r in with_parameters(translated, values)["Resources"].items()
         if r["Type"].startswith("AWS::IAM::") or r["Type"] == "AWS::Lambda::Permission"}
        for values in SETTINGS.values()
    ]  # fmt: skip
    assert iam[0] == iam[1]
    assert not resources_of_type(with_parameters(translated, SETTINGS["snapstart-and-email"]),
                                 "AWS::SNS::TopicPolicy")  # fmt: skip


def alarms_on(template: dict[str, Any], namespace: Any) -> dict[str, dict[str, Any]]:
    """The alarms' properties on metrics of ``namespace``, by metric name."""
    return {
        alarm["Properties"]["MetricName"]: alarm["Properties"]
        for alarm in resources_of_type(template, ALARM).values()
        if alarm["Properties"]["Namespace"] == namespace
    }


def test_the_function_alarms_watch_errors_throttles_and_answers_near_alexas_deadline() -> None:
    template = load()
    function_id, _ = only(template, package.FUNCTION_TYPE)
    alarms = alarms_on(template, "AWS/Lambda")
    assert set(alarms) == FUNCTION_ALARMS
    for properties in alarms.values():
        assert properties["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": function_id}}]
        assert properties["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert properties["TreatMissingData"] == "notBreaching"  # a quiet skill is not down
    assert alarms["Errors"]["Threshold"] == alarms["Throttles"]["Threshold"] == 1
    duration = alarms["Duration"]
    assert duration["Statistic"] in {"Maximum", "p99"}
    assert duration["Unit"] == "Milliseconds"
    timeout_ms = function(template)["Timeout"] * 1000
    assert ALEXA_DEADLINE_MS / 2 <= duration["Threshold"] < timeout_ms < ALEXA_DEADLINE_MS


def emitted_metrics(names: list[str], variables: dict[str, str]) -> list[dict[str, Any]]:
    """The embedded-metric-format directives the skill's own observability module prints when it
    counts ``names`` in an environment with the template's variables (a fresh interpreter:
    Powertools reads them once)."""
    code = (
        "import sys\nfrom upper_back.edge import observability\n"
        "for name in sys.argv[1:]:\n    observability.count(name)\nobservability.flush()\n"
    )
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(CODE_DIR),
        "AWS_DEFAULT_REGION": "us-east-1",
        **variables,
    }
    result = subprocess.run(
        [sys.executable, "-c", code, *names],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines() if '"_aws"' in line]
    return [
        {**directive, "values": line}
        for line in lines
        for directive in line["_aws"]["CloudWatchMetrics"]
    ]


def test_the_skill_metric_alarms_watch_the_namespace_and_dimensions_the_code_emits() -> None:
    """The alarm and the metric must agree on namespace, name and every dimension, or the alarm
    watches a metric that never gets a value."""
    template = load()
    mapping = template["Mappings"]["SkillMetrics"]["Powertools"]
    variables = function(template)["Environment"]["Variables"]
    find = "Fn::FindInMap"
    assert variables["POWERTOOLS_METRICS_NAMESPACE"] == {find: ["SkillMetrics", "Powertools",
                                                                "Namespace"]}  # fmt: skip
    assert variables["POWERTOOLS_SERVICE_NAME"] == {find: ["SkillMetrics", "Powertools", "Service"]}
    alarms = alarms_on(template, {find: ["SkillMetrics", "Powertools", "Namespace"]})
    assert set(alarms) == SKILL_ALARMS

    directives = emitted_metrics(
        sorted(alarms),
        {
            "POWERTOOLS_METRICS_NAMESPACE": mapping["Namespace"],
            "POWERTOOLS_SERVICE_NAME": mapping["Service"],
        },
    )
    emitted = {
        metric["Name"]: directive for directive in directives for metric in directive["Metrics"]
    }
    assert set(emitted) == set(alarms)
    for name, properties in alarms.items():
        directive = emitted[name]
        assert directive["Namespace"] == mapping["Namespace"]
        [dimensions] = directive["Dimensions"]
        alarmed = {d["Name"]: d["Value"] for d in properties["Dimensions"]}
        assert set(alarmed) == set(dimensions)
        assert alarmed == {"service": {find: ["SkillMetrics", "Powertools", "Service"]}}
        assert directive["values"]["service"] == mapping["Service"]
        assert properties["Statistic"] == "Sum"
        assert properties["TreatMissingData"] == "notBreaching"


COUNTED = re.compile(r"""\bcount\(\s*["'](\w+)["']""")


def test_every_alarmed_skill_metric_is_one_the_code_counts() -> None:
    """A renamed metric would leave its alarm silent for ever."""
    counted = {
        name
        for path in (CODE_DIR / "upper_back").rglob("*.py")
        for name in COUNTED.findall(path.read_text(encoding="utf-8"))
    }
    assert counted >= SKILL_ALARMS
