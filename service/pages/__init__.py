"""Danish HTML pages, one blueprint per module (areas, indicators, flows)."""
