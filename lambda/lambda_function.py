"""Lambda's entry point: ``lambda_handler(event, context)``, one handler built once per container
from the environment (``upper_back.edge.app`` composes it). Building it reads the routine and
the settings only: the DynamoDB client is made on the first request that needs it."""

from __future__ import annotations

import logging

from upper_back.edge.app import build_handler
from upper_back.edge.config import Settings

# boto3 and botocore log request parameters at DEBUG, and our partition key is a user or person
# id: keep them quiet even when the function's log level is lowered to investigate.
for _noisy in ("boto3", "botocore", "urllib3"):
    logging.getLogger(_noisy).setLevel(logging.WARNING)

lambda_handler = build_handler(Settings.from_env())
