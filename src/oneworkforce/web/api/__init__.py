"""The JSON API under ``/api/v1/``: the catalogue, stored metric results and the ledger,
for Power BI, Excel and scripts, with the same organisation scoping as the pages."""
