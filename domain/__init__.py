"""The core of hexapi: entities, value objects, rules and errors. Standard library only."""
