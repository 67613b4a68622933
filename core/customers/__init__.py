"""Customers: features, tags and segments (and their nightly run), the explorer, saved lists, the single customer view."""
