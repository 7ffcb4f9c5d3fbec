"""Chat: rooms of this process's members, and the messages they send (see domain/chat.py)."""
