"""Indicator tables, the official designation lists and the legal rules. No Flask."""
