"""Errors as values with a code the interface can translate.

Every refusal carries its English `message` (for developers and logs) and a catalogue `key`
(with the `values` its text fills in), so that each person reads it in their language.
"""

from ..catalogues import translate
from ..protocol import error_body


class DomainError(Exception):
    """A rule of the workshop refused a command."""

    def __init__(self, code, message, fields=None, current=None, *, key=None, values=None, **extra):
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields
        self.current = current
        self.key = key or f"error_{code}"  # without a key of its own: its code's text
        self.values = values or {}
        self.extra = extra  # more of the answer: `by` of `busy`, `retry_after`, …

    def text(self, language):
        """The refusal as a person reads it in `language`."""
        return translate(language, self.key, **self.values)

    def body(self, language=None):
        """The error as answered: `{"error": {code, message, fields?, current?, text?}}`,
        with `text` in `language` when one is given."""
        body = error_body(
            self.code, self.message, self.fields, self.current, text=self.text(language) if language else None
        )
        body["error"].update(self.extra)
        return body

    def as_dict(self):
        """The error itself: `{code, message, fields?, current?}`."""
        return self.body()["error"]

    def ack(self, language):
        """The refusing ack of a command: `{ok: false, error}`, its `text` in `language`."""
        return {"ok": False, **self.body(language)}


def invalid(field, message, *, key, **values):
    """A `DomainError` for one bad field of a command."""
    return DomainError("invalid", message, fields={field: [message]}, key=key, values=values)


def forbidden(message="This is for the facilitator.", *, key="error_forbidden", **values):
    """A `DomainError` for a role that may not do this."""
    return DomainError("forbidden", message, key=key, values=values)


def not_found(what, *, key):
    """A `DomainError` for something that does not exist in this workshop."""
    return DomainError("not_found", f"{what} not found.", key=key)
