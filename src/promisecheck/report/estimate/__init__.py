"""The estimate report: one renderer per format."""
