"""In-memory twins of every storage port, with the same semantics (rollback included)."""
