"""Partner data coming in: formats, reading, validation, the lake, the ledger, a synthetic ICS."""
