"""Pure text services shared by the rules: character classes, patterns, regions, models."""
