"""The text stages, no model involved: bytes to text (reading), text to typed blocks (parsing, with blocks and, for
HTML, landmarks), blocks to the post without its chrome (cleaning, recurring), paragraphs to sentences (segment), and
API snippets (snippets); pages and feeds from the web (fetching, feeds)."""
