"""Spillover: every figure of one news article, anchored to its quote and checked."""

__version__ = "0.1.0"
