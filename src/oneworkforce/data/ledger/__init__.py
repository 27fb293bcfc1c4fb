"""The submissions ledger: who sent which file, when, what it covered and what became of it."""
