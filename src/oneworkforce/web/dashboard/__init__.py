"""The People Story dashboard, its drill-downs, the agency page and the data coverage map."""
