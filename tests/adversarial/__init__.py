"""Hostile and broken input: each case fails cleanly with its exact diagnostic, and loses nothing."""
