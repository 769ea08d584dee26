"""Domain errors with human messages; the UI shows them as toasts."""

from uuid import UUID


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The id does not exist in the actor's organization (or is out of the actor's scope)."""


class Forbidden(DomainError):
    """The actor lacks the permission for this action."""


class Conflict(DomainError):
    """The data changed under the actor (stale version, duplicate)."""


class Invalid(DomainError):
    """The input does not pass validation."""


class Unavailable(DomainError):
    """The database (or another service the call needs) cannot be reached right now."""

    def __init__(
        self, message: str = "SmartWeb can't reach its database right now. Try again in a moment."
    ) -> None:
        super().__init__(message)


class AuthError(DomainError):
    """Sign-in failed; the message never tells which part was wrong."""


def as_uuid(value: object, what: str = "Record") -> UUID:
    """Parse an id that came from the browser; a malformed one is simply not found."""
    if isinstance(value, UUID):
        return value
    try:
        return UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        raise NotFound(f"{what} not found.") from None
