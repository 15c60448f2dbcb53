"""Where fugi's own files come from: templates/ (Word forms, site pages and theme, mkdocs.yml), in a checkout or shipped."""
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
#: an installed fugi carries templates/ as package data (fugi/templates/); a checkout has it beside fugi/
TEMPLATES = PACKAGE / "templates" if (PACKAGE / "templates").is_dir() else PACKAGE.parent / "templates"
DOCX_TEMPLATES = TEMPLATES / "docx"
SITE_TEMPLATES = TEMPLATES / "site"
#: the site's MkDocs configuration; the checkout's mkdocs.yml inherits it (for a plain `mkdocs build`)
MKDOCS_CONFIG = SITE_TEMPLATES / "mkdocs.yml"
