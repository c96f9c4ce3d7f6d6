"""Errors raised by the STS engine.

Messages name the field and the rule that failed, never a key's value: decoder keys and vending keys
must not reach logs or responses through an exception.
"""

from __future__ import annotations


class StsError(Exception):
    """Base class of every error the STS engine raises on purpose."""


class InvalidField(StsError, ValueError):
    """A request field is missing, of the wrong type or out of its range."""


class AmountOutOfRange(InvalidField):
    """The amount is negative, too large for the 16-bit amount field, or not a number."""


class TidOutOfRange(InvalidField):
    """The time lies before the base date or beyond the 24-bit TID range of that base date."""


class InvalidKey(InvalidField):
    """A key has the wrong length or form for its algorithm. The message never holds the key."""


class UnsupportedAlgorithm(InvalidField):
    """An encryption or key generation algorithm this engine does not implement."""


class TokenError(StsError):
    """A token cannot be decoded."""


class BadTokenFormat(TokenError):
    """The token is not 20 decimal digits for a 66-bit number."""


class BadCrc(TokenError):
    """The CRC does not match: the token was mistyped or made with another decoder key."""

    def __init__(self, message: str = "bad CRC: wrong key or mistyped token") -> None:
        super().__init__(message)


class UnsupportedToken(TokenError):
    """The token's class or subclass is not one this engine knows."""
