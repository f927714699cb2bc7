"""Hand-written runtime shared by the generated service packages. Private."""
