"""A generic, header-driven table reader: finds tables by their header row in the lines the
readers give (text, or PDF pages turned into lines), maps columns by header vocabulary, reads
rows across pages and repeated headers, joins wrapped cells; and key: value blocks."""
