"""Users: administration, self-service changes, deletion and public profiles."""
