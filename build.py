#!/usr/bin/env python3
"""fugi command line: check | docx | pdf | site | new | schema (no subcommand builds Word files and the site)."""
from fugi.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
