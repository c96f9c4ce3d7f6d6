"""CloudFormation's intrinsics (Ref, Fn::GetAtt, Fn::Sub) resolved to the local stack's values: a parameter to its
local value or its template default, a resource to the name the local stack gives it (the table, the buckets, the
user pool), pseudo parameters to the local account and region. A reference nothing answers is an error, so the
template and the local stack cannot drift apart quietly."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

LOCAL_ACCOUNT = "123456789012"  # moto's default account
_SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")


@dataclass(frozen=True)
class LocalResources:
    stack_name: str
    region: str
    resource_types: dict[str, str]
    parameters: dict[str, str] = field(default_factory=dict)  # template defaults, overridden by local values
    names: dict[str, str] = field(default_factory=dict)  # Ref of a resource, where the local stack names it

    def pseudo(self, name: str) -> str | None:
        return {
            "AWS::Region": self.region,
            "AWS::AccountId": LOCAL_ACCOUNT,
            "AWS::StackName": self.stack_name,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
        }.get(name)

    def ref(self, name: str) -> str:
        if (value := self.pseudo(name)) is not None:
            return value
        if name in self.parameters:
            return self.parameters[name]
        if name in self.names:
            return self.names[name]
        if name in self.resource_types:
            return name  # functions and the rest answer to their logical id locally
        raise KeyError(f"the template refers to {name!r}, which is neither a parameter nor a resource")

    def attribute(self, name: str, attribute: str) -> str:
        kind = self.resource_types.get(name)
        if kind is None:
            raise KeyError(f"the template asks for {name}.{attribute} of no resource")
        if attribute != "Arn":
            return f"{self.ref(name)}-{attribute}"
        service, resource = {
            "AWS::IAM::Role": ("iam", f"role/{name}"),
            "AWS::DynamoDB::Table": ("dynamodb", f"table/{self.ref(name)}"),
            "AWS::S3::Bucket": ("s3", self.ref(name)),
            "AWS::SQS::Queue": ("sqs", self.ref(name)),
            "AWS::Serverless::Function": ("lambda", f"function:{name}"),
            "AWS::Cognito::UserPool": ("cognito-idp", f"userpool/{self.ref(name)}"),
        }.get(kind, ("local", name))
        region = "" if service in ("iam", "s3") else self.region
        account = "" if service == "s3" else LOCAL_ACCOUNT
        return f"arn:aws:{service}:{region}:{account}:{resource}"


def _sub(text: str, variables: dict[str, Any], resources: LocalResources) -> str:
    def replace(found: re.Match[str]) -> str:
        name = found.group(1)
        if name in variables:
            return resolve(variables[name], resources)
        if "." in name:
            resource, attribute = name.split(".", 1)
            return resources.attribute(resource, attribute)
        return resources.ref(name)

    return _SUB_VARIABLE.sub(replace, text).replace("${!", "${")


def resolve(value: Any, resources: LocalResources) -> str:
    """A template value as the local stack's string."""
    if isinstance(value, dict) and len(value) == 1:
        (function, argument), = value.items()
        if function == "Ref":
            return resources.ref(str(argument))
        if function == "Fn::GetAtt":
            name, attribute = argument if isinstance(argument, list) else str(argument).split(".", 1)
            return resources.attribute(str(name), str(attribute))
        if function == "Fn::Sub":
            text, variables = (argument[0], argument[1]) if isinstance(argument, list) else (argument, {})
            return _sub(str(text), dict(variables), resources)
        raise ValueError(f"the local stack cannot resolve {function}")
    if isinstance(value, (dict, list)):
        raise ValueError(f"an environment value must be a string, not {value!r}")
    return str(value)


def local_resources(template: dict[str, Any], stack_name: str, region: str, parameters: dict[str, str],
                    names: dict[str, str]) -> LocalResources:
    defaults = {name: str(spec.get("Default", "")) for name, spec in template.get("Parameters", {}).items()}
    return LocalResources(
        stack_name=stack_name,
        region=region,
        resource_types={name: str(resource["Type"]) for name, resource in template["Resources"].items()},
        parameters={**defaults, **parameters},
        names=names,
    )
