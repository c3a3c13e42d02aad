"""Pure text of bibliographic records: LaTeX and Unicode, plain records, reference-list
styles, and comparing a citation as a source printed it with the record. No ORM, no Django."""
