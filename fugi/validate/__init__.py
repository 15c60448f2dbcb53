"""Validation: each document against the forms, then the checks across files and the links between meetings and items."""
