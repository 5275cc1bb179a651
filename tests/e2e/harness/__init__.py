"""Pieces of the e2e harness: the ecslocal process, the AWS CLI runner, boto3 clients, raw HTTP."""
