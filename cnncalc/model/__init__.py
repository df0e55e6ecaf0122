"""The model: layer kinds (settings, output shape, figures, window), shapes,
the graph's order, tied weights."""
