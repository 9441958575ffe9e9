"""Word papers: `reader` reads a .docx (its list numbering from `numbering`, its package
checked first by `safety`), `pages` finds page numbers by rendering it with LibreOffice
(`soffice`), and `legacy` converts .doc, RTF and OpenDocument text through LibreOffice first."""
