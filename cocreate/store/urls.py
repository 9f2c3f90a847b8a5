"""Database URLs as hosts hand them out, and as logs may show them."""

from sqlalchemy import make_url


def normalise_database_url(url):
    """Accept `postgres://` (as hosts hand it out) for SQLAlchemy's `postgresql://`.

    A PostgreSQL URL without a driver uses psycopg 3 (a dependency), not
    SQLAlchemy's default psycopg2.
    """
    for scheme in ("postgres://", "postgresql://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme) :]
    return url


def printable_database_url(url):
    """The database URL without its password, for logs."""
    return make_url(normalise_database_url(url)).render_as_string(hide_password=True)
