"""Access tokens shaped like Cognito's: a local RS256 issuer, and one verifier for local and Cognito keys."""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from gridvend.auth.pool_names import name_within_tenant
from gridvend.config import Settings
from gridvend.errors import Unauthenticated

TENANT_CLAIM = "custom:tenant_id"
GROUPS_CLAIM = "cognito:groups"
USERNAME_CLAIM = "cognito:username"
SALES_POINT_CLAIM = "custom:sales_point"
LOCAL_KEY_ID = "gridvend-local-1"


@dataclass(frozen=True)
class VerifiedClaims:
    subject: str
    tenant_id: str
    username: str
    groups: tuple[str, ...]
    sales_point_id: str | None
    issued_at: int

    def authorizer_context(self) -> dict[str, str]:
        """What the authorizer hands the functions (API Gateway passes string values only)."""
        return {
            "tenant_id": self.tenant_id,
            "username": self.username,
            "groups": ",".join(self.groups),
            "sales_point_id": self.sales_point_id or "",
            "issued_at": str(self.issued_at),
        }


def _signing_key_path(settings: Settings) -> Path:
    return settings.state_dir / "keys" / "jwt-signing.pem"


@functools.lru_cache(maxsize=4)
def _local_private_key(path: Path) -> rsa.RSAPrivateKey:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(pem)
        temporary.chmod(0o600)
        temporary.replace(path)
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, rsa.RSAPrivateKey):
        raise TypeError("the local signing key is not an RSA key")
    return loaded


def issue_access_token(
    settings: Settings,
    *,
    subject: str,
    tenant_id: str,
    username: str,
    groups: list[str],
    sales_point_id: str | None,
) -> tuple[str, int]:
    """Signs a token with the local issuer's key. Returns the token and its lifetime in seconds."""
    lifetime = settings.access_token_minutes * 60
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": subject,
        "iss": settings.token_issuer,
        "aud": settings.token_audience,
        "iat": now,
        "exp": now + lifetime,
        "token_use": "id",
        TENANT_CLAIM: tenant_id,
        USERNAME_CLAIM: username,
        GROUPS_CLAIM: groups,
    }
    if sales_point_id:
        claims[SALES_POINT_CLAIM] = sales_point_id
    key = _local_private_key(_signing_key_path(settings))
    token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": LOCAL_KEY_ID})
    return token, lifetime


REFRESH_TOKEN_DAYS = 30


def issue_refresh_token(settings: Settings, tenant_id: str, username: str) -> str:
    """The local issuer's refresh token: signed, for one operator, good for REFRESH_TOKEN_DAYS."""
    now = int(time.time())
    claims = {"iss": settings.token_issuer, "aud": f"{settings.token_audience}/refresh", "token_use": "refresh",
              "iat": now, "exp": now + REFRESH_TOKEN_DAYS * 86400, TENANT_CLAIM: tenant_id, USERNAME_CLAIM: username}
    key = _local_private_key(_signing_key_path(settings))
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": LOCAL_KEY_ID})


def verify_refresh_token(settings: Settings, token: str, tenant_id: str, username: str) -> int | None:
    """When the local refresh token was issued, or None when it is not this operator's valid refresh token."""
    try:
        claims = jwt.decode(
            token, _local_private_key(_signing_key_path(settings)).public_key(), algorithms=["RS256"],
            audience=f"{settings.token_audience}/refresh", issuer=settings.token_issuer,
            options={"require": ["exp", "iat", "iss", "aud"]},
        )
    except (jwt.PyJWTError, ValueError):
        return None
    if claims.get(TENANT_CLAIM) != tenant_id or claims.get(USERNAME_CLAIM) != username:
        return None
    return int(claims["iat"])


def published_jwks(settings: Settings) -> dict[str, Any]:
    """The keys tokens are verified with: the user pool's where one signs them, else the local issuer's."""
    if settings.jwks_url:
        fetched: dict[str, Any] = _jwks_client(settings.jwks_url).fetch_data()
        return fetched
    return local_jwks(settings)


def local_jwks(settings: Settings) -> dict[str, Any]:
    public_key = _local_private_key(_signing_key_path(settings)).public_key()
    jwk: dict[str, Any] = jwt.algorithms.RSAAlgorithm.to_jwk(public_key, as_dict=True)
    jwk.update({"kid": LOCAL_KEY_ID, "use": "sig", "alg": "RS256"})
    return {"keys": [jwk]}


@functools.lru_cache(maxsize=4)
def _jwks_client(url: str) -> jwt.PyJWKClient:
    # PyJWKClient caches the fetched keys: no fetch per request.
    return jwt.PyJWKClient(url, cache_keys=True, lifespan=3600)


def _verification_key(settings: Settings, token: str) -> Any:
    if settings.jwks_url:
        return _jwks_client(settings.jwks_url).get_signing_key_from_jwt(token).key
    return _local_private_key(_signing_key_path(settings)).public_key()


def verify_access_token(settings: Settings, token: str) -> VerifiedClaims:
    """Checks signature, expiry, issuer and audience; raises Unauthenticated on any failure."""
    try:
        key = _verification_key(settings, token)
        claims = jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            audience=settings.token_audience,
            issuer=settings.token_issuer,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except (jwt.PyJWTError, ValueError) as error:
        raise Unauthenticated("the access token is not valid") from error
    tenant_id = claims.get(TENANT_CLAIM)
    if not isinstance(tenant_id, str) or not tenant_id:
        raise Unauthenticated("the access token names no tenant")
    # Cognito names carry their tenant (gridvend.auth.pool_names); the rest of the code sees them without it.
    username = name_within_tenant(tenant_id, str(claims.get(USERNAME_CLAIM, claims["sub"])))
    if username is None:
        raise Unauthenticated("the access token's user belongs to another tenant")
    groups = [name_within_tenant(tenant_id, str(group)) for group in claims.get(GROUPS_CLAIM) or []]
    return VerifiedClaims(
        subject=str(claims["sub"]),
        tenant_id=tenant_id,
        username=username,
        groups=tuple(group for group in groups if group),
        sales_point_id=claims.get(SALES_POINT_CLAIM),
        issued_at=int(claims["iat"]),
    )
