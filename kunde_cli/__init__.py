"""kunde: customer analytics for small shops, from the exports they already have."""

__version__ = "0.1.0"
