"""Development helpers and local emulators of outside services (YooKassa, SMS)."""
