"""Grids: the grid list and card, the map's data, proposals, reviewed changes, customer assignment, staffing and the 四定 audit."""
