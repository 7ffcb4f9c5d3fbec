"""Use cases and the ports they drive. Imports the domain and the standard library only."""
