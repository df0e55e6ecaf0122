"""Reports: comparisons, budget checks over many files, the JSON Schema of the file format."""
