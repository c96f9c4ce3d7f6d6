"""The identity directory on a Cognito user pool (`GRIDVEND_IDENTITY=cognito`).

One pool holds the operators of every tenant: username `<tenant>/<username>`, the immutable attribute
custom:tenant_id, groups `<tenant>/<role>` (gridvend.auth.pool_names). Sign-in is server-side only
(ADMIN_USER_PASSWORD_AUTH): the app client should allow no client-side flow, so that lockout, barring and the
login log, which the table keeps, cannot be bypassed. The ID token is the bearer token the API verifies.

The Cognito client is passed in (a boto3 `cognito-idp` client); this module calls its methods and catches
its modelled exceptions (`client.exceptions.X`), and imports nothing from AWS itself.
"""

from __future__ import annotations

import contextlib
from typing import Any

import jwt

from gridvend.auth.identity import SignedIn
from gridvend.auth.pool_names import pool_group, pool_username, tenant_prefix
from gridvend.auth.tokens import SALES_POINT_CLAIM, TENANT_CLAIM
from gridvend.errors import Forbidden, InvalidInput
from gridvend.store.users import Operator

SIGN_IN_FLOW = "ADMIN_USER_PASSWORD_AUTH"
REFRESH_FLOW = "REFRESH_TOKEN_AUTH"


class CognitoDirectory:
    def __init__(self, client: Any, user_pool_id: str, client_id: str) -> None:
        self._client = client
        self._pool = user_pool_id
        self._client_id = client_id
        self._known_groups: set[str] = set()

    def stored_password_hash(self, password: str) -> str:
        return ""  # the pool keeps the password; the table keeps no copy of it

    def add_operator(self, tenant_id: str, operator: Operator, password: str) -> None:
        attributes = [{"Name": TENANT_CLAIM, "Value": tenant_id}]
        if operator.sales_point_id:
            attributes.append({"Name": SALES_POINT_CLAIM, "Value": operator.sales_point_id})
        # An existing user is a retry after a failure further on: it is brought in line below.
        with contextlib.suppress(self._client.exceptions.UsernameExistsException):
            self._client.admin_create_user(
                UserPoolId=self._pool,
                Username=pool_username(tenant_id, operator.username),
                UserAttributes=attributes,
                MessageAction="SUPPRESS",  # the administrator hands the password over, not a Cognito e-mail
            )
        self._set_permanent_password(tenant_id, operator, password)
        self.update_operator(tenant_id, operator)

    def update_operator(self, tenant_id: str, operator: Operator) -> None:
        username = pool_username(tenant_id, operator.username)
        wanted = {pool_group(tenant_id, role) for role in operator.roles}
        current = self._tenant_groups_of(tenant_id, username)
        for group in sorted(wanted - current):
            self._ensure_group(group)
            self._client.admin_add_user_to_group(UserPoolId=self._pool, Username=username, GroupName=group)
        for group in sorted(current - wanted):
            self._client.admin_remove_user_from_group(UserPoolId=self._pool, Username=username, GroupName=group)
        self._sync_sales_point(username, operator.sales_point_id)

    def set_password(self, tenant_id: str, operator: Operator, password: str) -> None:
        try:
            self._set_permanent_password(tenant_id, operator, password)
        except self._client.exceptions.UserNotFoundException:
            self.add_operator(tenant_id, operator, password)  # repairs an operator whose creation stopped half-way

    def sign_in(self, tenant_id: str, operator: Operator, password: str) -> SignedIn | None:
        errors = self._client.exceptions
        try:
            reply = self._client.admin_initiate_auth(
                UserPoolId=self._pool,
                ClientId=self._client_id,
                AuthFlow=SIGN_IN_FLOW,
                AuthParameters={"USERNAME": pool_username(tenant_id, operator.username), "PASSWORD": password},
            )
        except (errors.NotAuthorizedException, errors.UserNotFoundException):
            return None
        except errors.PasswordResetRequiredException:
            raise Forbidden("this operator's password must be reset by an administrator") from None
        except errors.UserNotConfirmedException:
            raise Forbidden("this operator is not confirmed in the user pool") from None
        challenge = reply.get("ChallengeName")
        if challenge:
            raise Forbidden(f"the user pool asks for a {challenge} step, which this sign-in does not offer")
        result = reply["AuthenticationResult"]
        return SignedIn(str(result["IdToken"]), int(result["ExpiresIn"]), result.get("RefreshToken"))

    def refresh(self, tenant_id: str, operator: Operator, refresh_token: str) -> SignedIn | None:
        errors = self._client.exceptions
        try:
            reply = self._client.admin_initiate_auth(
                UserPoolId=self._pool,
                ClientId=self._client_id,
                AuthFlow=REFRESH_FLOW,
                AuthParameters={"REFRESH_TOKEN": refresh_token},
            )
        except (errors.NotAuthorizedException, errors.UserNotFoundException):
            return None
        result = reply.get("AuthenticationResult") or {}
        if "IdToken" not in result:
            return None
        claims = jwt.decode(str(result["IdToken"]), options={"verify_signature": False})  # the pool just issued it
        if claims.get("cognito:username") != pool_username(tenant_id, operator.username):
            return None  # another operator's refresh token
        return SignedIn(str(result["IdToken"]), int(result["ExpiresIn"]))

    def sign_out_everywhere(self, tenant_id: str, operator: Operator) -> None:
        with contextlib.suppress(self._client.exceptions.UserNotFoundException):
            self._client.admin_user_global_sign_out(UserPoolId=self._pool,
                                                    Username=pool_username(tenant_id, operator.username))

    def set_tenant_enabled(self, tenant_id: str, enabled: bool) -> None:
        switch = self._client.admin_enable_user if enabled else self._client.admin_disable_user
        for username in self._tenant_usernames(tenant_id):
            switch(UserPoolId=self._pool, Username=username)

    def _set_permanent_password(self, tenant_id: str, operator: Operator, password: str) -> None:
        try:
            self._client.admin_set_user_password(
                UserPoolId=self._pool,
                Username=pool_username(tenant_id, operator.username),
                Password=password,
                Permanent=True,
            )
        except self._client.exceptions.InvalidPasswordException as error:
            message = error.response.get("Error", {}).get("Message", "the user pool refuses this password")
            raise InvalidInput.for_field("password", str(message)) from None

    def _tenant_groups_of(self, tenant_id: str, username: str) -> set[str]:
        groups: set[str] = set()
        arguments: dict[str, Any] = {"UserPoolId": self._pool, "Username": username}
        while True:
            page = self._client.admin_list_groups_for_user(**arguments)
            groups.update(group["GroupName"] for group in page.get("Groups", []))
            if not page.get("NextToken"):
                break
            arguments["NextToken"] = page["NextToken"]
        return {group for group in groups if group.startswith(tenant_prefix(tenant_id))}

    def _ensure_group(self, group: str) -> None:
        if group in self._known_groups:
            return
        with contextlib.suppress(self._client.exceptions.GroupExistsException):
            self._client.create_group(GroupName=group, UserPoolId=self._pool)
        self._known_groups.add(group)

    def _sync_sales_point(self, username: str, sales_point_id: str | None) -> None:
        user = self._client.admin_get_user(UserPoolId=self._pool, Username=username)
        current = {attribute["Name"]: attribute["Value"] for attribute in user.get("UserAttributes", [])}
        if (current.get(SALES_POINT_CLAIM) or None) == sales_point_id:
            return
        if sales_point_id:
            self._client.admin_update_user_attributes(
                UserPoolId=self._pool,
                Username=username,
                UserAttributes=[{"Name": SALES_POINT_CLAIM, "Value": sales_point_id}],
            )
        else:
            self._client.admin_delete_user_attributes(
                UserPoolId=self._pool, Username=username, UserAttributeNames=[SALES_POINT_CLAIM]
            )

    def _tenant_usernames(self, tenant_id: str) -> list[str]:
        # Custom attributes are not searchable; the username's tenant part is (a case-sensitive prefix).
        arguments: dict[str, Any] = {"UserPoolId": self._pool, "Filter": f'username ^= "{tenant_prefix(tenant_id)}"'}
        usernames: list[str] = []
        while True:
            page = self._client.list_users(**arguments)
            usernames.extend(user["Username"] for user in page.get("Users", []))
            if not page.get("PaginationToken"):
                return usernames
            arguments["PaginationToken"] = page["PaginationToken"]


__all__ = ["CognitoDirectory"]
