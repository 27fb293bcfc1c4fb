"""The audit trail: one row for every change anyone makes, written by the actions layer."""
