"""Pure ASGI middleware for the HTTP conventions every response follows (see stack.py)."""
