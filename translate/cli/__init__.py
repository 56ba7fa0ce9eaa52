"""The `translate` command: a thin front end over the library (app.py: the commands; options.py: the shared
options, declared once; display.py: messages, progress and exit codes)."""

from translate.cli.app import app, main

__all__ = ["app", "main"]
