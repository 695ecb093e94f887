"""The Word document: sandboxed rendering, saving."""
