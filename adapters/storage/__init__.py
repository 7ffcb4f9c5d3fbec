"""File storage adapters: where bytes live outside the database."""
