"""Reading: a YAML file (or an ONNX model) becomes an `Architecture`;
every error names its line and column."""
