"""Accounts and authentication: registration, login and login sessions, password reset."""
