// Survival module: see DESIGN.md.
