"""The form definition (content/forms.yml): field kinds in one registry, checklists, vocabularies, schema and scaffold."""
