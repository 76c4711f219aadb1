"""The only importers of third-party text libraries (OpenCC, ftfy), behind our defaults."""
