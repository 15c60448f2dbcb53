"""Building outputs: the cache and every key of it (keys.py), the Word/PDF batch, worker processes (jobs.py),
output folders fugi owns and what they reuse."""
