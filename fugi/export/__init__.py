"""Open data: the public archive as JSON and CSV."""
