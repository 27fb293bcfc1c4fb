"""Submissions: uploading partner files, the validation report and the ledger, as pages.

No models of its own: the ledger is :mod:`oneworkforce.data.ledger`, and files go through
:class:`oneworkforce.data.importer.Importer` exactly as the ``import`` command sends them.
"""
