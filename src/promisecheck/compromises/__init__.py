"""The levers that make a promise hold, searched on the same draws."""
