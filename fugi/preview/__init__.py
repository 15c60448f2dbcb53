"""`build.py serve`: the live preview command and its web server."""
