"""Domain errors: raised by use cases, turned into a page, a fragment or JSON by one handler."""

from marketplace.i18n import Msg


class DomainError(Exception):
    """Base of the errors a use case raises; carries the HTTP status it maps to."""

    status_code = 400
    default = Msg("The request could not be completed.")

    def __init__(self, message: Msg | None = None) -> None:
        self.message = message or self.default
        super().__init__(self.message.msgid)


class NotFound(DomainError):
    status_code = 404
    default = Msg("This page does not exist or is no longer available.")


class Forbidden(DomainError):
    status_code = 403
    default = Msg("You do not have permission to do this.")


class LoginRequired(DomainError):
    status_code = 401
    default = Msg("Please log in to continue.")


class Conflict(DomainError):
    """Someone else changed the record first; `current` is the record as it is now."""

    status_code = 409
    default = Msg("Someone else changed this record while you were editing it.")

    def __init__(self, message: Msg | None = None, current: object | None = None) -> None:
        super().__init__(message)
        self.current = current


class Invalid(DomainError):
    """Input that breaks a rule; `errors` maps each field name to the message shown beside it."""

    status_code = 422
    default = Msg("Please correct the highlighted fields.")

    def __init__(self, errors: dict[str, Msg], message: Msg | None = None) -> None:
        super().__init__(message)
        self.errors = errors


class TooManyAttempts(DomainError):
    status_code = 429
    default = Msg("Too many failed attempts. Please wait a few minutes and try again.")
