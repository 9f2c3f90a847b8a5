"""Build hook: the Socket.IO browser client comes from the npm package at build time.

`pip install .` (and `python -m build`) put `cocreate/static/vendor/socket.io.esm.min.js`
into the package, taken from `node_modules` (installed with `npm ci` from package.json
and the lock file when it is not there yet). The file is never committed.
"""

import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
CLIENT = Path("socket.io-client", "dist", "socket.io.esm.min.js")
VENDOR = Path("cocreate", "static", "vendor")


def browser_client():
    """The npm package's ES module build of the Socket.IO client, installed if need be."""
    source = ROOT / "node_modules" / CLIENT
    if not source.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=ROOT, check=True)
    return source


class BuildWithBrowserClient(build_py):
    """build_py that also places the Socket.IO browser client into the package."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install serves the source tree, which `make vendor` fills
        target = Path(self.build_lib) / VENDOR
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(browser_client(), target / CLIENT.name)


setup(cmdclass={"build_py": BuildWithBrowserClient})
