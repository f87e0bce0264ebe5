"""barter: moneyless trade for community networks."""

__version__ = "0.1.0"
