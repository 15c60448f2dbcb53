"""Source files: content files found, front matter split, YAML read with its lines and its mistakes in the clerk's words."""
