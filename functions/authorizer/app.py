"""API Gateway TOKEN authorizer for the cloud: verifies the Cognito token with the same code as locally
and passes tenant, user and groups to the functions as the authorizer context."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.deps import settings
from functions.common.observability import logger, observed
from gridvend.auth.tokens import verify_access_token
from gridvend.errors import Unauthenticated


def _policy(principal: str, effect: str, method_arn: str, context: dict[str, str] | None = None) -> dict[str, Any]:
    api_arn = method_arn.split("/", 1)[0] + "/*"
    document: dict[str, Any] = {
        "principalId": principal,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": api_arn}],
        },
    }
    if context:
        document["context"] = context
    return document


@observed()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    header = str(event.get("authorizationToken", ""))
    scheme, _, token = header.partition(" ")
    method_arn = str(event.get("methodArn", "*"))
    if scheme.lower() != "bearer" or not token:
        raise Exception("Unauthorized")  # API Gateway answers 401 for exactly this message
    try:
        claims = verify_access_token(settings(), token.strip())
    except Unauthenticated:
        logger.info("token refused")
        raise Exception("Unauthorized") from None
    logger.append_keys(tenant_id=claims.tenant_id)
    return _policy(claims.subject, "Allow", method_arn, claims.authorizer_context())
