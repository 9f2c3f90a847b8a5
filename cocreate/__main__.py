"""`python -m cocreate` is the `cocreate` command."""

from .cli import main

main()
