"""Entrypoints: the HTTP API, the command line and the composition root that wires them."""
