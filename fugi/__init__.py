"""fugi: docs-as-code for a municipal personal-information protection council."""
