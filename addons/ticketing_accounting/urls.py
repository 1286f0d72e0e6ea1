"""The back office's Accounting section and the buyer's document downloads."""
urlpatterns: list = []
