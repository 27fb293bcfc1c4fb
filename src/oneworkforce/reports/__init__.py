"""Board packs: the monthly workforce paper for the Workforce Board and the ICB board.

A pack is built once as structured content (sections of typed tables, chart specifications
and their text alternatives), frozen in the operational store with a manifest of the data it
was built from, and rendered to PDF, DOCX, XLSX and HTML from that frozen content only, so a
pack opened later reads exactly what the board read (issue 6).
"""
