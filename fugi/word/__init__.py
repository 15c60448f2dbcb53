"""Word and PDF: the printed view into .docx from templates/docx/, Markdown into WordprocessingML, LibreOffice to PDF."""
