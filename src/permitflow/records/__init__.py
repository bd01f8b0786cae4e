"""Immutable values: actors, the holder's record, applications and their audit trail."""
