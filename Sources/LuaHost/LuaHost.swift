// LuaHost module: see DESIGN.md.
