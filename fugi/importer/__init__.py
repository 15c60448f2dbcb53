"""Import: PDF, Word and text exports of the council's forms back into content files (`build.py import`)."""
