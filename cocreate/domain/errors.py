"""Errors as values with a code the interface can translate."""

from ..protocol import error_body


class DomainError(Exception):
    """A rule of the workshop refused a command."""

    def __init__(self, code, message, fields=None, current=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields
        self.current = current

    def body(self):
        """The error as answered: `{"error": {code, message, fields?, current?}}`."""
        return error_body(self.code, self.message, self.fields, self.current)

    def as_dict(self):
        """The error itself: `{code, message, fields?, current?}`."""
        return self.body()["error"]


def invalid(field, message):
    """A `DomainError` for one bad field of a command."""
    return DomainError("invalid", message, fields={field: [message]})


def forbidden(message="This is for the facilitator."):
    """A `DomainError` for a role that may not do this."""
    return DomainError("forbidden", message)


def not_found(what):
    """A `DomainError` for something that does not exist in this workshop."""
    return DomainError("not_found", f"{what} not found.")
