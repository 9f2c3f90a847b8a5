"""Reading a PDF as people's programs do: poppler's tools and the structure tree (pikepdf)."""

import subprocess

import pikepdf


def poppler(program, *args):
    """What a poppler program (pdfinfo, pdftotext, pdffonts) prints; its -bbox page title may
    cut an emoji's bytes."""
    return subprocess.run([program, *map(str, args)], capture_output=True, check=True, timeout=60).stdout.decode(
        "utf-8", "replace"
    )


def structure(node, found=None):
    """Every structure element under `node`: (type, its /Alt or None)."""
    found = [] if found is None else found
    if isinstance(node, pikepdf.Array):
        for item in node:
            structure(item, found)
    elif isinstance(node, pikepdf.Dictionary):
        if "/S" in node:
            found.append((str(node.S), str(node.Alt) if "/Alt" in node else None))
        if "/K" in node:
            structure(node.K, found)
    return found
