// Plots module: see DESIGN.md.
