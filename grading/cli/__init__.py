"""The ``sourcewise`` command line: parses arguments and dispatches to importable functions."""
