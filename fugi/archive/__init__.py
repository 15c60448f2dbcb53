"""The archive: every content file loaded, validated and cross-checked, unchanged files from the build cache."""
