"""The text stages, no model involved: bytes to text (reading), text to typed blocks (parsing), blocks to the post
without its chrome (cleaning), paragraphs to sentences (segment), and API snippets (snippets)."""
