"""Bytes in, structured documents out: readers, segmentation and entity extraction.

Nothing here touches a database or Prefect; `pipelines` orchestrates these functions.
"""
