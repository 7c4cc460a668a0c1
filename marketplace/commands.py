"""Imports the modules that register further operator commands (reindex, match, export…)."""
