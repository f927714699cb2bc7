"""The ``aws-vision-async`` command line: dataset export and import, projects, models, the emulator.

Installed with the ``cli`` extra (``pip install 'aws-vision-async[cli]'``). The
library never imports this package.
"""

from __future__ import annotations

from ._app import main

__all__ = ["main"]

# Reported where users import it (reprs, tracebacks, the entry point's docs), not the private module.
main.__module__ = __name__
