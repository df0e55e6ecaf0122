"""Figures: the analysis of an architecture, layer by layer, and the derivations `explain` shows."""
