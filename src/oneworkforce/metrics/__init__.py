"""The metric catalogue, its engines (DuckDB, Spark, a reference engine) and SPC. No Django here."""
