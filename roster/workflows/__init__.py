"""Workflows over several solves: comparing scenarios side by side and the CI regression."""
