"""Where this addon touches pretix. Its features arrive with its own issue; until then it only registers itself."""
