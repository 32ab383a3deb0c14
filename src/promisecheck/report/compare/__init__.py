"""The compare report: its view and one renderer per format."""
