"""PDF papers: `reader` reads a file or a range of its pages into text with page numbers,
from the words' positions (`lines`, `blocks`, `layout`), ruled and unruled tables (`tables`,
`unruled`), and OCR for scanned pages (`ocr`, `ocr_tables`); `types` holds what they share."""
