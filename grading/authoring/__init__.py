"""Bring your own article: scaffold it from a text, then write its key in the authoring notebook."""
