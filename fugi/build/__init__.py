"""Building outputs: the cache, the Word/PDF batch, output folders fugi owns and what they reuse."""
