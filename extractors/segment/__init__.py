"""Segmentation: a read Document split into agenda items, papers, minutes or sections."""

from extractors.segment.segmenter import segment_document

__all__ = ["segment_document"]
