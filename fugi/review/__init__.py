"""The secretariat's review: deviations from the standard checklists, precedent, the sensitivity of data items."""
