"""The FastAPI entrypoint: a thin shell that parses, calls one use case and shapes the reply."""
