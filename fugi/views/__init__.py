"""Views of the archive: what may be published, the preview's marks, the printed strings (和暦, marks), name order."""
