// Scripting module: see DESIGN.md.
