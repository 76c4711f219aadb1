"""Bytes and files at the edge: decoding, detection, safe writes, discovery, ignore files."""
