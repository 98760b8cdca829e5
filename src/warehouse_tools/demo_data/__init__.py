"""Deterministic demo landing data for the six source systems, with ground truth for identity resolution."""
