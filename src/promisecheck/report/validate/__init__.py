"""The validate report."""
