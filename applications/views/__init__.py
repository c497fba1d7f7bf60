"""Views of the joint application, by topic: the overview and lists, the sections, the lines,
submission and withdrawal, and files. Each starts from a selector scoped to the user."""
