"""Guarded reading and writing of files: every upload through one entry point, every download neutralised and watermarked (base)."""
