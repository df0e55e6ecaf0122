"""Renderers: an analysis in, text out. They format; they never compute."""
