"""The addon's models live in their concept packages; Django finds them through this module."""
