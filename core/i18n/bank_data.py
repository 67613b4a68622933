"""A bank's own data: the loader's problems and notes (``load.*``), the data page
(``data.*``), the territory's reference layer on the map (``territory.*``)."""

TEXT: dict[str, tuple[str, str]] = {
    # ---- the loader (core.bank_data.load, nightly) -------------------------------------
    "status.closed": ("已销户", "Closed"),
    # ---- reading files (core.bank_data.read) --------------------------------------------
    # ---- checking values (core.bank_data.checks) ----------------------------------------
    # ---- templates and the field guide (core.bank_data.templates) ------------------------
    # ---- the map's reference layer (territory.*) -----------------------------------------
    "territory.layer": ("乡镇/村社区", "Townships & villages"),
    "territory.illustrative": ("示意范围", "illustrative area"),
    "territory.note": ("村界为示意范围", "Village boundaries are illustrative"),
    # ---- the data page (data.*) ----------------------------------------------------------
}
