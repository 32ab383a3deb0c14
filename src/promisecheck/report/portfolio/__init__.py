"""The portfolio report: its view and one renderer per format."""
