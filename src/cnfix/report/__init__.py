"""What a run shows people: text and machine formats, diffs, progress, the HTML review."""
