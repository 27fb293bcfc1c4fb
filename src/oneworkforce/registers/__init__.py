"""Assurance registers: programmes, status reports, milestones, benefits, risks, actions,
meetings and declarations of interest, kept as a system of record with history (issue 5)."""
