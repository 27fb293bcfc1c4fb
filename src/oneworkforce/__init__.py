"""OneWorkforce: see, plan and assure the whole health and care workforce of an ICS."""

__version__ = "0.1.0"
