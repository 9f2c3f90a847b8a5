"""Random values the store hands out: ids, secret tokens (kept only hashed), join codes."""

import hashlib
import secrets

from sqlalchemy.exc import IntegrityError

from .. import protocol as p

# Join codes: no 0/O, 1/I/L look-alikes; 31^6 ≈ 887 million codes.
JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_ATTEMPTS = 20


def new_id():
    """A random id for a workshop or a participant (16 URL-safe characters)."""
    return secrets.token_urlsafe(12)


def new_token():
    """A random secret of 256 bits, URL-safe."""
    return secrets.token_urlsafe(32)


def hash_token(token):
    """The stored form of a token: its SHA-256 (tokens are random, so no salt is needed)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_join_code():
    """A random join code of `JOIN_CODE_LENGTH` characters, easy to read aloud and type."""
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(p.JOIN_CODE_LENGTH))


def with_free_join_code(make):
    """`make(join_code)`, which stores a new workshop, with a new code each time until one is
    free (the database refuses a code another workshop holds); returns what it returns."""
    for _attempt in range(CODE_ATTEMPTS):
        try:
            return make(new_join_code())
        except IntegrityError:
            continue
    # So many codes make this practically unreachable.
    raise RuntimeError("no free join code")  # pragma: no cover


def normalise_join_code(code):
    """A typed join code in its stored form: upper case, without spaces or dashes."""
    return "".join(ch for ch in code.upper() if ch.isalnum())
