"""boto3 clients for ecslocal whose every response is checked against the AWS model."""

from __future__ import annotations

import boto3
from botocore.config import Config

import shapes


class ResponseChecker:
    """An `after-call` hook: botocore emits it for every response, errors included, before it
    raises ClientError; a response that breaks the model raises ShapeError right there."""

    def __init__(self, service: str):
        self.service = service
        self.checked: list[str] = []  # operation names, in order

    def __call__(self, http_response, model, **kwargs):
        shapes.validate_response(model.name, http_response.status_code, dict(http_response.headers),
                                 http_response.content, service=self.service)
        self.checked.append(model.name)


def make_client(endpoint: str, service: str = "ecs", access_key: str = "test", region: str = "us-east-1",
                inject_host_prefix: bool = True):
    """`inject_host_prefix=False`: operations with a host prefix (Cloud Map's DiscoverInstances:
    `data-`) go to the endpoint as given."""
    session = boto3.session.Session(aws_access_key_id=access_key, aws_secret_access_key="test",
                                    region_name=region)
    client = session.client(service, endpoint_url=endpoint,
                            config=Config(retries={"total_max_attempts": 1, "mode": "standard"},
                                          inject_host_prefix=inject_host_prefix))
    checker = ResponseChecker(service)
    client.meta.events.register(f"after-call.{client.meta.service_model.service_id.hyphenize()}", checker)
    client.response_checker = checker  # tests can see which responses were validated
    return client
