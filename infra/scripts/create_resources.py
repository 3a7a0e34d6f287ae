#!/usr/bin/env python3
"""Create Parlo's AWS resources on the local emulators, from template.yaml.

template.yaml is the only definition of the table and the queues: this script
reads `ParloTable`, `ParloTurnQueue` and `ParloTurnDLQ` from it (with
cfn-lint's decoder, which understands !Ref/!Sub/!GetAtt) and creates

  * the table on DynamoDB Local (AWS_ENDPOINT_URL_DYNAMODB, default
    http://127.0.0.1:8000), named $TABLE_NAME (default parlo-local), with the
    template's keys, attribute definitions, GSIs, billing mode and TTL;
  * the FIFO turn queue and its dead-letter queue on moto
    (AWS_ENDPOINT_URL_SQS, default http://127.0.0.1:5000), named
    <prefix>-turn.fifo and <prefix>-turn-dlq.fifo;
  * the EventBridge Scheduler schedule group <prefix> on moto
    (AWS_ENDPOINT_URL_SCHEDULER, default http://127.0.0.1:5000);

where <prefix> is $SCHEDULE_GROUP (default parlo-local). Works against
LocalStack too: set AWS_ENDPOINT_URL=http://localhost:4566 (per-service
variables win over it).

Idempotent: what exists is left alone. Prints the resulting environment as
`KEY=value` lines on stdout (TURN_QUEUE_URL, TURN_DLQ_URL); progress goes to
stderr.

Usage (from the repo root, with the project venv):
  .venv/bin/python infra/scripts/create_resources.py
  .venv/bin/python infra/scripts/create_resources.py --print-create-table-json
      prints the CreateTable input (without TableName) derived from the
      template, for tests that create throwaway tables of the same shape.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"

TABLE_RESOURCE = "ParloTable"
QUEUE_RESOURCE = "ParloTurnQueue"
DLQ_RESOURCE = "ParloTurnDLQ"

# CloudFormation AWS::SQS::Queue property -> SQS queue attribute. Only plain
# (non-intrinsic) values are taken; RedrivePolicy is rebuilt for the local DLQ.
QUEUE_ATTRIBUTES = {
    "FifoQueue": "FifoQueue",
    "ContentBasedDeduplication": "ContentBasedDeduplication",
    "VisibilityTimeout": "VisibilityTimeout",
    "MessageRetentionPeriod": "MessageRetentionPeriod",
    "DelaySeconds": "DelaySeconds",
    "MaximumMessageSize": "MaximumMessageSize",
    "ReceiveMessageWaitTimeSeconds": "ReceiveMessageWaitTimeSeconds",
    "DeduplicationScope": "DeduplicationScope",
    "FifoThroughputLimit": "FifoThroughputLimit",
}


def log(msg: str) -> None:
    print(f"create_resources: {msg}", file=sys.stderr, flush=True)


def load_template(path: Path = TEMPLATE) -> dict:
    from cfnlint.decode import decode

    template, matches = decode(str(path))
    if matches or template is None:
        raise SystemExit(f"cannot parse {path}: {matches}")
    # cfn-lint returns its own dict/str subclasses; make them plain.
    return json.loads(json.dumps(template))


def resource_properties(template: dict, logical_id: str, type_: str) -> dict:
    res = template.get("Resources", {}).get(logical_id)
    if not res or res.get("Type") != type_:
        raise SystemExit(f"template.yaml has no {type_} named {logical_id}")
    return res.get("Properties", {})


def is_intrinsic(value) -> bool:
    return isinstance(value, dict) and len(value) == 1 and (
        next(iter(value)) == "Ref" or next(iter(value)).startswith("Fn::")
    )


def create_table_input(template: dict) -> dict:
    """The CreateTable request for ParloTable, without TableName."""
    props = resource_properties(template, TABLE_RESOURCE, "AWS::DynamoDB::Table")
    out = {}
    for key in ("AttributeDefinitions", "KeySchema", "BillingMode"):
        if key not in props or is_intrinsic(props[key]):
            raise SystemExit(f"{TABLE_RESOURCE}.{key} must be a plain value in template.yaml")
        out[key] = props[key]
    gsis = props.get("GlobalSecondaryIndexes", [])
    if gsis:
        out["GlobalSecondaryIndexes"] = [
            {k: g[k] for k in ("IndexName", "KeySchema", "Projection", "ProvisionedThroughput") if k in g}
            for g in gsis
        ]
    lsis = props.get("LocalSecondaryIndexes", [])
    if lsis:
        out["LocalSecondaryIndexes"] = [
            {k: g[k] for k in ("IndexName", "KeySchema", "Projection") if k in g} for g in lsis
        ]
    if out["BillingMode"] != "PAY_PER_REQUEST" and "ProvisionedThroughput" in props:
        out["ProvisionedThroughput"] = props["ProvisionedThroughput"]
    return out


def ttl_attribute(template: dict) -> str | None:
    props = resource_properties(template, TABLE_RESOURCE, "AWS::DynamoDB::Table")
    spec = props.get("TimeToLiveSpecification") or {}
    if spec.get("Enabled") in (True, "true", "True"):
        return spec["AttributeName"]
    return None


def queue_attributes(template: dict, logical_id: str) -> dict:
    props = resource_properties(template, logical_id, "AWS::SQS::Queue")
    attrs = {}
    for cfn_key, sqs_key in QUEUE_ATTRIBUTES.items():
        value = props.get(cfn_key)
        if value is None or is_intrinsic(value):
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        attrs[sqs_key] = str(value)
    return attrs


def redrive_max_receive_count(template: dict) -> int | None:
    props = resource_properties(template, QUEUE_RESOURCE, "AWS::SQS::Queue")
    redrive = props.get("RedrivePolicy")
    if not redrive:
        return None
    if isinstance(redrive, str):
        redrive = json.loads(redrive)
    return int(redrive["maxReceiveCount"])


def endpoint(service_var: str, default: str) -> str:
    return os.environ.get(service_var) or os.environ.get("AWS_ENDPOINT_URL") or default


def client(service: str, url: str):
    import boto3
    from botocore.config import Config

    return boto3.client(
        service,
        endpoint_url=url,
        region_name=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1",
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "local"),
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "local"),
        config=Config(retries={"max_attempts": 5, "mode": "standard"}, connect_timeout=5, read_timeout=30),
    )


def ensure_table(template: dict, ddb, name: str) -> None:
    spec = create_table_input(template)
    try:
        existing = ddb.describe_table(TableName=name)["Table"]
        log(f"table {name} exists")
        want = sorted(g["IndexName"] for g in spec.get("GlobalSecondaryIndexes", []))
        have = sorted(g["IndexName"] for g in existing.get("GlobalSecondaryIndexes", []))
        if want != have or existing["KeySchema"] != spec["KeySchema"]:
            log(f"WARNING: table {name} differs from template.yaml (indexes {have} != {want}); "
                "run infra/scripts/down.sh and up.sh to recreate it")
    except ddb.exceptions.ResourceNotFoundException:
        ddb.create_table(TableName=name, **spec)
        ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        log(f"table {name} created")

    attr = ttl_attribute(template)
    if attr:
        ttl = ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        if ttl.get("TimeToLiveStatus") in ("ENABLED", "ENABLING") and ttl.get("AttributeName") == attr:
            log(f"table {name}: TTL on '{attr}' already enabled")
        else:
            ddb.update_time_to_live(
                TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": attr}
            )
            log(f"table {name}: TTL enabled on '{attr}'")


def ensure_queue(sqs, name: str, attrs: dict) -> str:
    try:
        url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
        log(f"queue {name} exists")
        return url
    except sqs.exceptions.QueueDoesNotExist:
        pass
    url = sqs.create_queue(QueueName=name, Attributes=attrs)["QueueUrl"]
    log(f"queue {name} created")
    return url


def ensure_queues(template: dict, sqs, prefix: str) -> tuple[str, str]:
    dlq_url = ensure_queue(sqs, f"{prefix}-turn-dlq.fifo", queue_attributes(template, DLQ_RESOURCE))
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    attrs = queue_attributes(template, QUEUE_RESOURCE)
    max_receive = redrive_max_receive_count(template)
    if max_receive is not None:
        attrs["RedrivePolicy"] = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receive})
    queue_url = ensure_queue(sqs, f"{prefix}-turn.fifo", attrs)
    return queue_url, dlq_url


def ensure_schedule_group(scheduler, name: str) -> None:
    try:
        scheduler.get_schedule_group(Name=name)
        log(f"schedule group {name} exists")
    except scheduler.exceptions.ResourceNotFoundException:
        scheduler.create_schedule_group(Name=name)
        log(f"schedule group {name} created")


def wait_until_reachable(fn, what: str, seconds: float = 30.0) -> None:
    from botocore.exceptions import ConnectionError as BotoConnectionError
    from botocore.exceptions import EndpointConnectionError

    deadline = time.monotonic() + seconds
    while True:
        try:
            fn()
            return
        except (EndpointConnectionError, BotoConnectionError) as err:
            if time.monotonic() > deadline:
                raise SystemExit(f"{what} not reachable: {err}")
            time.sleep(0.5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--template", default=str(TEMPLATE))
    parser.add_argument("--print-create-table-json", action="store_true",
                        help="print the CreateTable input derived from the template and exit")
    args = parser.parse_args()

    template = load_template(Path(args.template))
    if args.print_create_table_json:
        print(json.dumps(create_table_input(template), indent=2))
        return 0

    table_name = os.environ.get("TABLE_NAME") or "parlo-local"
    prefix = os.environ.get("SCHEDULE_GROUP") or "parlo-local"

    ddb = client("dynamodb", endpoint("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000"))
    sqs = client("sqs", endpoint("AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:5000"))
    scheduler = client("scheduler", endpoint("AWS_ENDPOINT_URL_SCHEDULER", "http://127.0.0.1:5000"))

    wait_until_reachable(ddb.list_tables, "DynamoDB")
    wait_until_reachable(sqs.list_queues, "SQS")

    ensure_table(template, ddb, table_name)
    queue_url, dlq_url = ensure_queues(template, sqs, prefix)
    ensure_schedule_group(scheduler, prefix)

    print(f"TURN_QUEUE_URL={queue_url}")
    print(f"TURN_DLQ_URL={dlq_url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
