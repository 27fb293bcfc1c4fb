"""One module per section of the pack; each has ``build(ctx) -> section``."""
