"""The package's version, written here only: the build reads it (``[tool.hatch.version]``), and so does the code."""

__version__ = "0.1.0"
