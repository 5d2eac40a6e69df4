"""Pages for several roles, each showing what the signed-in person may see."""
