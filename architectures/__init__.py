"""Bundled architecture files, installed as the package ``cnncalc.architectures``."""
